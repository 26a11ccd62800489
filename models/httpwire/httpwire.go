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
}

// RoundTrip sends req as a traced message. A request the injector loses
// never leaves: RoundTrip waits until the request's context ends, as a
// client on a real network waits for a reply that will not come.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
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
	now := n.Clock.Observe(reply.Clock)
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
		now := n.Clock.Observe(req.Clock)
		n.Report(trace.KindRecv, &req, now, int(max(r.ContentLength, 0)), "")
		next.ServeHTTP(&stampedWriter{ResponseWriter: w, node: n, req: &req, ctx: r.Context()}, r)
	})
}

// stampedWriter stamps and reports the response when its header is written.
type stampedWriter struct {
	http.ResponseWriter
	node    *wire.Node
	req     *wire.Envelope
	ctx     context.Context
	written bool
	lost    bool // the injector lost the response: the body is thrown away
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
	w.ResponseWriter.WriteHeader(code)
}

func (w *stampedWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
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

// Serve answers HTTP on ln with h behind Middleware until ctx ends, then
// shuts down gracefully: it stops accepting, lets the requests in progress
// finish (their contexts end with ctx, so none waits for long) and returns
// nil. Header reads are bounded in size and time, so a slow or oversized
// request cannot hold a connection forever.
func Serve(ctx context.Context, n *wire.Node, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           Middleware(n, h),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	stopped := make(chan error, 1)
	context.AfterFunc(ctx, func() { stopped <- srv.Shutdown(context.Background()) })
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return <-stopped
}
