package broker

import (
	"net"
	"os"
	"sync"
	"time"
)

// flushConn is a connection whose writes go into a buffer that a writer
// goroutine of its own hands to the network whenever there is something
// in it: while one write to the socket is on its way, the lines written
// meanwhile gather and leave together in the next. A busy connection
// makes one system call for many messages, a quiet one still sends each
// line at once: the buffer is flushed when the queue of outgoing lines
// runs empty, not after a fixed count or time.
//
// The buffer is bounded (maxUnflushed): a writer that finds it full waits
// for the writer goroutine, at most until the write deadline, so a peer
// that does not read holds flushBytes of memory, not more. A write that
// fails or passes its deadline closes the connection, and every later
// Write returns its error.
type flushConn struct {
	net.Conn

	mu       sync.Mutex
	buf      []byte        // written, waiting for the writer goroutine
	spare    []byte        // the buffer the writer goroutine gave back, reused
	deadline time.Time     // the last write deadline set
	err      error         // why the connection cannot write any more
	room     chan struct{} // closed when the writer goroutine takes buf; nil while nobody waits
	closing  bool

	kick   chan struct{} // buffered 1: buf has something
	closed chan struct{} // closed by Close
	idle   chan struct{} // closed when the writer goroutine has ended
}

// maxUnflushed is how many bytes a flushConn holds before a Write waits.
const maxUnflushed = 256 << 10

// flushTimeout is how long Close waits for the buffer to reach the peer.
const flushTimeout = time.Second

func newFlushConn(nc net.Conn) *flushConn {
	f := &flushConn{Conn: nc, kick: make(chan struct{}, 1), closed: make(chan struct{}), idle: make(chan struct{})}
	go f.flush()
	return f
}

// Write puts p into the buffer and returns: the writer goroutine sends it.
func (f *flushConn) Write(p []byte) (int, error) {
	f.mu.Lock()
	for f.err == nil && !f.closing && len(f.buf) > 0 && len(f.buf)+len(p) > maxUnflushed {
		if f.room == nil {
			f.room = make(chan struct{})
		}
		room, deadline := f.room, f.deadline
		f.mu.Unlock()
		if !waitUntil(room, deadline) {
			return 0, os.ErrDeadlineExceeded
		}
		f.mu.Lock()
	}
	defer f.mu.Unlock()
	switch {
	case f.err != nil:
		return 0, f.err
	case f.closing:
		return 0, net.ErrClosed
	}
	f.buf = append(f.buf, p...)
	wakeUp(f.kick)
	return len(p), nil
}

// waitUntil waits for c to close, or for the deadline (zero: none) to pass.
func waitUntil(c <-chan struct{}, deadline time.Time) bool {
	if deadline.IsZero() {
		<-c
		return true
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-c:
		return true
	case <-t.C:
		return false
	}
}

// SetWriteDeadline sets the deadline of the writes still to come.
func (f *flushConn) SetWriteDeadline(t time.Time) error {
	f.mu.Lock()
	f.deadline = t
	f.mu.Unlock()
	return nil
}

// SetDeadline sets both deadlines.
func (f *flushConn) SetDeadline(t time.Time) error {
	f.SetWriteDeadline(t)
	return f.Conn.SetReadDeadline(t)
}

// flush is the writer goroutine: it sends what the buffer holds, as long
// as there is something, until the connection closes.
func (f *flushConn) flush() {
	defer close(f.idle)
	for {
		select {
		case <-f.kick:
		case <-f.closed:
		}
		f.mu.Lock()
		out, deadline, closing := f.buf, f.deadline, f.closing
		f.buf, f.spare = f.spare[:0], nil
		if f.room != nil {
			close(f.room)
			f.room = nil
		}
		f.mu.Unlock()
		if len(out) > 0 {
			if closing {
				deadline = time.Now().Add(flushTimeout)
			}
			_ = f.Conn.SetWriteDeadline(deadline)
			if _, err := f.Conn.Write(out); err != nil {
				f.mu.Lock()
				f.err = err
				f.mu.Unlock()
				f.Conn.Close()
				return
			}
		}
		f.mu.Lock()
		if cap(out) <= maxUnflushed {
			f.spare = out[:0]
		}
		done := f.closing && len(f.buf) == 0
		f.mu.Unlock()
		if done {
			return
		}
	}
}

// Close sends what the buffer still holds, waiting at most flushTimeout
// for the peer to take it, and closes the connection.
func (f *flushConn) Close() error {
	f.mu.Lock()
	already := f.closing
	f.closing = true
	f.mu.Unlock()
	if !already {
		close(f.closed)
	}
	t := time.NewTimer(flushTimeout)
	defer t.Stop()
	select {
	case <-f.idle:
	case <-t.C: // the writer goroutine waits for a peer that takes nothing
		f.Conn.Close()
		<-f.idle
	}
	return f.Conn.Close()
}
