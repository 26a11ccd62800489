package httpwire_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/faults"
	"dsdemo/models/httpwire"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// setup starts an origin behind the middleware and a client with the
// transport, both traced to one recorder.
func setup(t *testing.T) (origin, client *wire.Node, url string, rec *programtest.Recorder, served *atomic.Int64) {
	rec = programtest.NewRecorder(t)
	node := func(name string) *wire.Node {
		n := wire.NewNode(name)
		n.Faults = faults.New(1)
		em, err := trace.Dial(t.Context(), rec.Addr(), name, nil)
		require.NoError(t, err)
		em.Hello(name, "test", 1, "")
		t.Cleanup(func() { em.Close("test over") })
		n.Trace = em
		return n
	}
	origin, client = node("origin"), node("client")
	served = &atomic.Int64{}
	srv := httptest.NewServer(httpwire.Middleware(origin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		io.WriteString(w, "hello")
	})))
	t.Cleanup(srv.Close)
	return origin, client, srv.URL, rec, served
}

func get(t *testing.T, client *wire.Node, url string, timeout time.Duration) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/static/a", nil)
	require.NoError(t, err)
	return (&http.Client{Transport: &httpwire.Transport{Node: client}}).Do(req)
}

func TestRoundTrip(t *testing.T) {
	_, client, url, rec, _ := setup(t)
	resp, err := get(t, client, url, programtest.Patience)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "hello", string(body))
	assert.Equal(t, "origin", resp.Header.Get(httpwire.HeaderFrom))
	assert.Equal(t, "1", resp.Header.Get(httpwire.HeaderReplyTo), "the response names the request")

	evs := rec.WaitN(t, 4, func(ev trace.Event) bool { return ev.Msg != nil })
	find := func(kind trace.Kind, node string) trace.Event {
		for _, ev := range evs {
			if ev.Kind == kind && ev.Node == node {
				return ev
			}
		}
		t.Fatalf("no %s at %s", kind, node)
		return trace.Event{}
	}
	send, recv := find(trace.KindSend, "client"), find(trace.KindRecv, "origin")
	assert.Equal(t, "GET /static/a", send.Msg.Type)
	assert.Equal(t, send.Msg.ID, recv.Msg.ID)
	assert.Greater(t, recv.Clock, send.Clock, "the origin's clock passes the client's")
	reply, back := find(trace.KindSend, "origin"), find(trace.KindRecv, "client")
	assert.Equal(t, "200", reply.Msg.Type)
	assert.Equal(t, send.Msg.ID, reply.Msg.ReplyTo)
	assert.Greater(t, reply.Clock, recv.Clock)
	assert.Greater(t, back.Clock, reply.Clock)
}

func TestPlainClient(t *testing.T) {
	_, _, url, rec, _ := setup(t)
	resp, err := http.Get(url + "/x") // curl or a browser: no Dsdemo headers
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "origin", resp.Header.Get(httpwire.HeaderFrom))
	assert.Empty(t, resp.Header.Get(httpwire.HeaderReplyTo))
	recv := rec.WaitN(t, 1, programtest.Msg(trace.KindRecv, "origin", "GET /x"))[0]
	assert.Contains(t, recv.Msg.From, "127.0.0.1:", "an unnamed peer is named by its address")
}

func TestFaults(t *testing.T) {
	t.Run("a dropped request never reaches the origin", func(t *testing.T) {
		_, client, url, rec, served := setup(t)
		client.Faults.SetDrop(1)
		_, err := get(t, client, url, 200*time.Millisecond)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Kind == trace.KindSend && ev.Fault == "drop" })
		assert.Zero(t, served.Load())
	})
	t.Run("a held response waits for its release", func(t *testing.T) {
		origin, client, url, rec, _ := setup(t)
		origin.Faults.SetHold(true)
		done := make(chan error, 1)
		go func() {
			resp, err := get(t, client, url, programtest.Patience)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		held := rec.WaitN(t, 1, programtest.Msg(trace.KindHold, "origin", "200"))[0]
		select {
		case err := <-done:
			t.Fatalf("the client got its response while it was held (%v)", err)
		default:
		}
		require.True(t, origin.Faults.Release(held.Msg.ID))
		require.NoError(t, <-done)
	})
}

func TestHostileForgedClockHeaderIsRefused(t *testing.T) {
	_, _, url, _, served := setup(t)
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set(httpwire.HeaderFrom, "mallory")
	req.Header.Set(httpwire.HeaderMsg, "1")
	req.Header.Set(httpwire.HeaderClock, "18446744073709551614")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "clock too far ahead")
	assert.Zero(t, served.Load(), "the handler never saw the forged request")
}

// A client that asks for a long answer and stops reading holds its
// handler in a blocked write; Serve still returns soon after it is told to
// stop, instead of waiting for a reader that never comes.
func TestHostileServeStopsDespiteAClientThatDoesNotRead(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	writing := make(chan struct{})
	var once sync.Once
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for {
			once.Do(func() { close(writing) })
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpwire.Serve(ctx, wire.NewNode("origin"), ln, h) }()

	nc, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	_, err = io.WriteString(nc, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	<-writing // and never read a byte

	cancel()
	select {
	case err := <-served:
		assert.NoError(t, err)
	case <-time.After(programtest.Patience):
		t.Fatal("Serve did not return after it was told to stop")
	}
}

// A Transport's Timeout counts protocol time: the client is steered as the
// launcher steers it, through control lines over its trace connection.
func TestTransportTimeoutInProtocolTime(t *testing.T) {
	// origin answers at once, or not at all while stall is open.
	origin := func(t *testing.T, stall bool) string {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if stall {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
			io.WriteString(w, "hello")
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })
		return srv.URL
	}
	fetch := func(t *testing.T, client *wire.Node, url string) (string, error) {
		req, err := http.NewRequestWithContext(programtest.Context(t), "GET", url+"/static/a", nil)
		require.NoError(t, err)
		c := &http.Client{Transport: &httpwire.Transport{Node: client, Timeout: 200 * time.Millisecond}}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return string(body), err
	}

	t.Run("step mode stops it", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		client := programtest.StartNode(t, rec, "client")
		url := origin(t, false)
		rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: true})
		type result struct {
			body string
			err  error
		}
		done := make(chan result, 1)
		go func() {
			body, err := fetch(t, client, url)
			done <- result{body, err}
		}()
		rec.WaitN(t, 1, programtest.Msg(trace.KindHold, "client", "GET /static/a"))
		select {
		case r := <-done:
			t.Fatalf("the request ended while it was held: %q, %v", r.body, r.err)
		case <-time.After(time.Second):
		}
		rec.Steer(t, "client", trace.Control{Op: trace.OpHold, On: false})
		r := <-done
		require.NoError(t, r.err)
		assert.Equal(t, "hello", r.body)
	})
	t.Run("a silent server still runs it out, later in slow motion", func(t *testing.T) {
		rec := programtest.NewRecorder(t)
		client := programtest.StartNode(t, rec, "client")
		url := origin(t, true)
		rec.Steer(t, "client", trace.Control{Op: trace.OpDelay, Ms: 300})
		start := time.Now()
		_, err := fetch(t, client, url)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		want := 200 * time.Millisecond * (wire.SlowHop + 300*time.Millisecond) / wire.SlowHop
		assert.GreaterOrEqual(t, time.Since(start), want)
	})
}
