// Package httpwire carries the wire's facts over HTTP, for the demos whose
// programs speak HTTP (the caching proxy, the web tier): who sent a message,
// its id and its sender's Lamport clock travel in headers, and every request
// and response is reported to the trace and passes the fault injector, just
// as an envelope does on a wire.Conn.
//
//	client (Transport)                         server (Middleware)
//	GET /static/a                   ------->   recv "GET /static/a"
//	  Dsdemo-From: client-1                       clock = max(local, 5)+1
//	  Dsdemo-Msg: 7, Dsdemo-Clock: 5
//	recv "200"                      <-------   send "200"
//	  clock = max(local, 9)+1                  Dsdemo-From: origin, Dsdemo-Msg: 3,
//	                                           Dsdemo-Clock: 9, Dsdemo-Reply-To: 7
//
// The header types are documented here as an aid to debugging: with curl -v
// a student sees them on every exchange. A peer that sends none of them (a
// browser, curl) is named by its address and counted as clock 0.
package httpwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"dsdemo/models/trace"
	"dsdemo/models/wire"
)

// The headers that carry the wire's facts.
const (
	HeaderFrom    = "Dsdemo-From"     // the sender's node name
	HeaderMsg     = "Dsdemo-Msg"      // the message id, unique per sender
	HeaderClock   = "Dsdemo-Clock"    // the sender's Lamport time at sending
	HeaderReplyTo = "Dsdemo-Reply-To" // on a response: the request's message id
)

// Transport is an http.RoundTripper that stamps each request with the
// node's name, a new message id and its ticked Lamport clock, reports the
// request and its response to the node's trace, and lets the node's fault
// injector delay, hold or lose the request.
type Transport struct {
	Node *wire.Node
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Timeout bounds each request, from sending it to the end of its
	// response's body, in protocol time (wire.Node.WithTimeout): slow
	// motion stretches it and step mode stops it, so a watched exchange
	// is not given up as lost. Set it instead of http.Client.Timeout,
	// which counts wall-clock time. 0 means no bound but the request's
	// context.
	Timeout time.Duration
}

// RoundTrip sends req as a traced message. A request the injector loses
// never leaves: RoundTrip waits until the request's context (or Timeout)
// ends, as a client on a real network waits for a reply that will not come.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Timeout <= 0 {
		return t.roundTrip(req)
	}
	ctx, cancel := t.Node.WithTimeout(req.Context(), t.Timeout)
	resp, err := t.roundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	// The body is still to be read under the timeout; its end ends it.
	resp.Body = &timedBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// timedBody is a response body read under a Transport's Timeout: closing
// it, or reading it to its end, stops the timer.
type timedBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// roundTrip is RoundTrip under the request's own context.
func (t *Transport) roundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	n := t.Node
	req = req.Clone(req.Context())
	e := wire.Envelope{From: n.Name, To: req.URL.Host, Type: req.Method + " " + req.URL.Path, ID: n.NextID(), Clock: n.Clock.Tick()}
	req.Header.Set(HeaderFrom, e.From)
	req.Header.Set(HeaderMsg, strconv.FormatUint(e.ID, 10))
	req.Header.Set(HeaderClock, strconv.FormatUint(e.Clock, 10))
	size := int(max(req.ContentLength, 0))

	if err := pass(req.Context(), n, &e, size); err != nil {
		return nil, err
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	reply := wire.Envelope{
		From:    resp.Header.Get(HeaderFrom),
		To:      n.Name,
		Type:    strconv.Itoa(resp.StatusCode),
		ID:      headerUint(resp.Header, HeaderMsg),
		ReplyTo: e.ID,
		Clock:   headerUint(resp.Header, HeaderClock),
	}
	if reply.From == "" {
		reply.From = req.URL.Host
	}
	now, err := n.Clock.Observe(reply.Clock)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("answer from %s refused: %w", reply.From, err)
	}
	n.Report(trace.KindRecv, &reply, now, int(max(resp.ContentLength, 0)), "")
	return resp, nil
}

// Middleware wraps next so that every request is reported as received, with
// the sender's clock merged, and every response is stamped and reported as
// sent, after passing the node's fault injector.
func Middleware(n *wire.Node, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := wire.Envelope{
			From:  r.Header.Get(HeaderFrom),
			To:    n.Name,
			Type:  r.Method + " " + r.URL.Path,
			ID:    headerUint(r.Header, HeaderMsg),
			Clock: headerUint(r.Header, HeaderClock),
		}
		if req.From == "" {
			req.From = r.RemoteAddr // a browser or curl: named by its address
		}
		now, err := n.Clock.Observe(req.Clock)
		if err != nil {
			http.Error(w, "request refused: "+err.Error(), http.StatusBadRequest)
			return
		}
		n.Report(trace.KindRecv, &req, now, int(max(r.ContentLength, 0)), "")
		// A kept-alive connection must not inherit the last response's
		// write deadline; this response sets its own when it is written.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		next.ServeHTTP(&stampedWriter{ResponseWriter: w, node: n, req: &req, ctx: r.Context()}, r)
	})
}

// stampedWriter stamps and reports the response when its header is written.
type stampedWriter struct {
	http.ResponseWriter
	deadline time.Time // the write deadline last set; zero before the first
	node     *wire.Node
	req      *wire.Envelope
	ctx      context.Context
	written  bool
	lost     bool // the injector lost the response: the body is thrown away
}

func (w *stampedWriter) WriteHeader(code int) {
	if w.written {
		return
	}
	w.written = true
	n := w.node
	e := wire.Envelope{From: n.Name, To: w.req.From, Type: strconv.Itoa(code), ID: n.NextID(), ReplyTo: w.req.ID, Clock: n.Clock.Tick()}
	h := w.Header()
	h.Set(HeaderFrom, e.From)
	h.Set(HeaderMsg, strconv.FormatUint(e.ID, 10))
	h.Set(HeaderClock, strconv.FormatUint(e.Clock, 10))
	if e.ReplyTo != 0 {
		h.Set(HeaderReplyTo, strconv.FormatUint(e.ReplyTo, 10))
	}
	size, _ := strconv.Atoi(h.Get("Content-Length"))
	if err := pass(w.ctx, n, &e, size); err != nil {
		// Lost or given up: the client never gets this response. Panicking
		// with ErrAbortHandler makes net/http drop the connection without a
		// reply and without logging a stack trace.
		w.lost = true
		panic(http.ErrAbortHandler)
	}
	w.stallDeadline()
	w.ResponseWriter.WriteHeader(code)
}

// stallDeadline gives the client StallTimeout to take what is written next.
// It is set after the fault injector let the response go, so a response
// held for a class to think about does not count against the client.
// A deadline set less than a tenth of StallTimeout ago is left as it is, so
// a stream of small writes does not pay for a new one each time.
func (w *stampedWriter) stallDeadline() {
	next := time.Now().Add(StallTimeout)
	if next.Sub(w.deadline) < StallTimeout/10 {
		return
	}
	w.deadline = next
	_ = http.NewResponseController(w.ResponseWriter).SetWriteDeadline(next)
}

// Write stamps the response on its first write, and gives every write
// StallTimeout to be taken by the client: one that stops reading is
// disconnected instead of holding the handler forever.
func (w *stampedWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	w.stallDeadline()
	return w.ResponseWriter.Write(b)
}

// Flush passes flushes on, for streaming responses.
func (w *stampedWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if !w.written {
			w.WriteHeader(http.StatusOK)
		}
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *stampedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pass takes a message through the node's fault injector and reports it,
// as wire.Conn does for envelopes. HTTP has no duplicate messages: a
// duplicated one goes once. A lost one never leaves, and the sender waits
// until ctx ends, as on a real network that gives no answer.
func pass(ctx context.Context, n *wire.Node, e *wire.Envelope, size int) error {
	copies, err := n.Pass(ctx, n.Faults, e, size, e.To)
	if err != nil {
		return err
	}
	if copies == 0 {
		<-ctx.Done()
		return fmt.Errorf("%s to %s was lost: %w", e.Type, e.To, ctx.Err())
	}
	return nil
}

// headerUint reads a numeric header; a missing or malformed one is 0.
func headerUint(h http.Header, name string) uint64 {
	v, _ := strconv.ParseUint(h.Get(name), 10, 64)
	return v
}

// Timeouts of Serve. A peer that sends nothing, sends slowly or stops
// reading holds a connection and a goroutine; these bound how long.
const (
	ReadTimeout     = 30 * time.Second // a whole request, headers and body
	IdleTimeout     = 2 * time.Minute  // a kept-alive connection between requests
	StallTimeout    = 30 * time.Second // one write of a response to a client that does not read
	ShutdownTimeout = 5 * time.Second  // requests still running when the server is told to stop
)

// Serve answers HTTP on ln with h behind Middleware until ctx ends, then
// shuts down gracefully: it stops accepting and lets the requests in
// progress finish (their contexts end with ctx, so most end at once). A
// request still running after ShutdownTimeout, such as a long response to a
// client that stopped reading, is cut off, and Serve returns nil. Reads are
// bounded in size and time, and every write of a response in time
// (StallTimeout), so no peer can hold a connection forever.
func Serve(ctx context.Context, n *wire.Node, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           Middleware(n, h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       ReadTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	stopped := make(chan error, 1)
	context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); errors.Is(err, context.DeadlineExceeded) {
			// Cutting off what is left is the plan, not a failure: the
			// listener is closed already, and the connections' own errors
			// say nothing the caller could act on.
			_ = srv.Close()
		}
		stopped <- nil
	})
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return <-stopped
}
