package wire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/faults"
	"dsdemo/models/trace"
)

// ErrClosed is returned by a Conn whose connection has ended.
var ErrClosed = errors.New("connection closed")

// Conn is one TCP connection between two nodes, seen from one end. It offers
// three ways to talk: Send (fire and forget), Recv (the next message that is
// not a reply to one of our calls) and Call (send a request and wait for the
// reply whose ReplyTo is the request's ID). All three are safe for concurrent
// use: many goroutines may Call over one Conn at once.
//
// A reader goroutine owns the receiving side: it observes each message's
// clock, reports it to the trace, hands replies to the waiting Call and
// queues everything else for Recv. A reply nobody waits for any more (its
// caller gave up, or the network duplicated it) is reported and discarded.
// A message that is not a reply waits in a small inbox until Recv takes it;
// while the inbox is full the reader waits too, so a Conn that receives
// requests must also call Recv (ServeConn does).
//
// What a peer can make a Conn hold is bounded (see limits.go): a frame's
// bytes count against the node's MaxHeld until Recv takes its message, the
// inbox holds at most 64 messages, and a write the peer does not take
// within WriteTimeout ends the connection. A Conn accepted by Serve also
// closes when its peer is silent for IdleTimeout, and one accepted by Serve
// or ServeConns when its peer takes longer than FrameTimeout to send one
// frame.
type Conn struct {
	node *Node
	nc   net.Conn
	addr string                 // the other end's address
	peer atomic.Pointer[string] // the other end's node name, once it has sent a message

	ctx    context.Context // done when the Conn is closed; bounds sends made by the reader
	cancel context.CancelFunc

	wmu sync.Mutex // guards writes to nc, so lines never interleave

	mu      sync.Mutex               // guards pending and err
	pending map[uint64]chan Envelope // request id to its caller's reply channel (buffered 1)
	err     error                    // why the reader stopped

	inbox  chan inboxed  // messages for Recv
	done   chan struct{} // closed when the reader has stopped
	served *served       // accepted by Serve or ServeConns: the reader's time limits; nil for a dialled Conn
}

// served is what a Conn accepted by a server allows its peer: idle is how
// long it may stay silent between frames (0: for ever); a frame once begun
// must always arrive within FrameTimeout.
type served struct {
	idle time.Duration
}

// inboxed is a message waiting for Recv, with the bytes of the node's
// MaxHeld budget its frame still holds.
type inboxed struct {
	e    Envelope
	held int
}

// Dial connects node n to the node listening at addr.
func Dial(ctx context.Context, n *Node, addr string) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w", addr, err)
	}
	return NewConn(n, nc), nil
}

// NewConn wraps an established connection and starts its reader.
func NewConn(n *Node, nc net.Conn) *Conn { return newConn(n, nc, nil) }

// NewServedConn is NewConn for a connection a server accepted by a loop
// of its own (not Serve's): its peer has idle to begin each frame (0: for
// ever) and FrameTimeout to finish it, so a peer that stops half way
// through a frame does not hold the connection for ever.
func NewServedConn(n *Node, nc net.Conn, idle time.Duration) *Conn {
	return newConn(n, nc, &served{idle: idle})
}

// newConn is NewConn; s is non-nil for a connection a server accepted.
func newConn(n *Node, nc net.Conn, s *served) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{
		node:    n,
		nc:      nc,
		addr:    nc.RemoteAddr().String(),
		ctx:     ctx,
		cancel:  cancel,
		pending: map[uint64]chan Envelope{},
		inbox:   make(chan inboxed, 64),
		done:    make(chan struct{}),
		served:  s,
	}
	go c.read()
	return c
}

// Peer returns the other end's node name, or its address until it has sent a message.
func (c *Conn) Peer() string {
	if p := c.peer.Load(); p != nil {
		return *p
	}
	return c.addr
}

// RemoteAddr returns the other end's address.
func (c *Conn) RemoteAddr() string { return c.addr }

// Close ends the connection. Pending calls and Recv return ErrClosed.
func (c *Conn) Close() error {
	c.cancel()
	err := c.nc.Close()
	c.drain()
	return err
}

// drain gives back what the messages nobody will Recv any more hold. Both
// Close and the reader's exit drain, so a message put in the inbox while
// Close runs is not forgotten.
func (c *Conn) drain() {
	for {
		select {
		case m := <-c.inbox:
			c.node.held.give(m.held)
		default:
			return
		}
	}
}

// Done is closed when the connection has ended, from either side.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Send stamps e with this node's name, a new id (unless e has one) and the
// ticked Lamport clock, passes it through the fault injector and writes it.
// It returns the envelope as stamped. A message the injector loses is still a
// successful Send: on a real network the sender does not know either.
func (c *Conn) Send(ctx context.Context, e Envelope) (Envelope, error) {
	return c.send(ctx, e, c.node.Faults)
}

// send is Send with the given fault injector; nil sends past every fault.
func (c *Conn) send(ctx context.Context, e Envelope, f *faults.Injector) (Envelope, error) {
	e.From = c.node.Name
	if e.To == "" {
		e.To = c.Peer()
	}
	if e.ID == 0 {
		e.ID = c.node.NextID()
	}
	e.Clock = c.node.Clock.Tick()
	buf := linePool.Get().(*[]byte)
	line, err := e.AppendLine((*buf)[:0])
	if err != nil {
		linePool.Put(buf)
		return e, err
	}
	defer func() {
		// Nothing keeps the line after the writes: the connection copies
		// or sends it, faults and the trace take only its length.
		if cap(line) <= maxPooledLine {
			*buf = line[:0]
			linePool.Put(buf)
		}
	}()
	if len(line) > MaxFrame+1 {
		// The peer would skip it and could not even say which request it
		// refused; the sender is the one to know.
		return e, fmt.Errorf("send %s to %s: %w (%d bytes)", e.Type, e.To, ErrFrameTooLarge, len(line)-1)
	}

	copies, err := c.node.Pass(ctx, f, &e, len(line), e.To, c.addr)
	if err != nil || copies == 0 {
		return e, err
	}
	for copy := range copies {
		if copy > 0 {
			c.node.Report(trace.KindSend, &e, e.Clock, len(line), "duplicate")
		}
		if err := c.write(line); err != nil {
			return e, fmt.Errorf("send %s to %s: %w", e.Type, e.To, err)
		}
	}
	return e, nil
}

// linePool holds the buffers Send encodes lines into, so that a busy
// connection does not allocate one for every message.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledLine is the largest buffer that goes back to linePool: one
// large message should not keep a large buffer alive.
const maxPooledLine = 64 << 10

// write writes one line, giving the peer WriteTimeout to take it. A peer
// that does not is disconnected: it is not reading what it asked for.
func (c *Conn) write(line []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(WriteTimeout))
	_, err := c.nc.Write(line)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.node.Trace.Logf("disconnected %s: it took nothing for %v", c.Peer(), WriteTimeout)
		c.Close()
	}
	return err
}

// Reply answers req with a message of the given type and body.
func (c *Conn) Reply(ctx context.Context, req Envelope, typ string, body any) error {
	raw, err := marshalBody(typ, body)
	if err != nil {
		return err
	}
	_, err = c.Send(ctx, Envelope{To: req.From, Type: typ, ReplyTo: req.ID, Body: raw})
	return err
}

// marshalBody encodes the body of a message of type typ. A body that is
// JSON already (json.RawMessage) and one compact value is taken as it is,
// not marshalled twice; anything else goes to json.Marshal, which compacts
// it or says what is wrong, before the message takes an id or a tick of
// the clock.
func marshalBody(typ string, body any) (json.RawMessage, error) {
	if raw, ok := body.(json.RawMessage); ok && len(raw) > 0 {
		s := jsonScanner{data: raw}
		if s.value(0) && s.i == len(s.data) && !s.rewrite {
			return raw, nil
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode %s body: %w", typ, err)
	}
	return raw, nil
}

// Recv returns the next message that is not a reply to a Call.
func (c *Conn) Recv(ctx context.Context) (Envelope, error) {
	select {
	case m := <-c.inbox:
		return c.take(m), nil
	default:
	}
	select {
	case m := <-c.inbox:
		return c.take(m), nil
	case <-c.done:
		select {
		case m := <-c.inbox:
			return c.take(m), nil
		default:
			return Envelope{}, c.readErr()
		}
	case <-ctx.Done():
		return Envelope{}, ctx.Err()
	}
}

// take hands a message from the inbox to its receiver, who holds it now.
func (c *Conn) take(m inboxed) Envelope {
	c.node.held.give(m.held)
	return m.e
}

// Call sends a request with the given type and body and waits for its reply.
// An error reply comes back as a *RemoteError. When ctx ends first, Call
// returns ctx's error at once and a late reply is discarded by the reader, so
// a caller that gives up leaves nothing behind.
func (c *Conn) Call(ctx context.Context, to, typ string, body any) (Envelope, error) {
	raw, err := marshalBody(typ, body)
	if err != nil {
		return Envelope{}, err
	}
	id := c.node.NextID()
	ch := make(chan Envelope, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return Envelope{}, c.err
	}
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()

	if _, err := c.Send(ctx, Envelope{To: to, Type: typ, ID: id, Body: raw}); err != nil {
		return Envelope{}, err
	}
	select {
	case reply := <-ch:
		return answer(reply)
	case <-c.done:
		// The reply may have come just before the end: the reader hands it
		// over before it stops, and select does not say which was first.
		select {
		case reply := <-ch:
			return answer(reply)
		default:
			return Envelope{}, c.readErr()
		}
	case <-ctx.Done():
		return Envelope{}, ctx.Err()
	}
}

// answer turns a reply into Call's result: an error reply is a *RemoteError.
func answer(reply Envelope) (Envelope, error) {
	if reply.Type == TypeError {
		var eb ErrorBody
		_ = json.Unmarshal(reply.Body, &eb)
		return reply, &RemoteError{From: reply.From, Reason: eb.Reason}
	}
	return reply, nil
}

func (c *Conn) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// read is the Conn's only reader.
func (c *Conn) read() {
	fr := NewFrameReader(c.nc, MaxFrame)
	fr.held = &c.node.held
	defer fr.Close()
	var err error
	for {
		var line []byte
		line, err = c.readFrame(fr)
		if errors.Is(err, ErrFrameTooLarge) || errors.Is(err, ErrBusy) {
			c.refuse(0, err.Error())
			continue
		}
		if err != nil {
			break
		}
		e, derr := Decode(line)
		if derr != nil {
			var de *DecodeError
			errors.As(derr, &de)
			c.refuse(de.ID, de.Reason)
			continue
		}
		now, cerr := c.node.Clock.Observe(e.Clock)
		if cerr != nil {
			c.refuse(e.ID, cerr.Error())
			continue
		}
		c.node.Report(trace.KindRecv, &e, now, len(line)+1, "")
		if c.peer.Load() == nil {
			c.peer.Store(&e.From)
		}
		if e.ReplyTo != 0 {
			c.mu.Lock()
			ch := c.pending[e.ReplyTo]
			delete(c.pending, e.ReplyTo)
			c.mu.Unlock()
			if ch != nil {
				ch <- e // the caller holds it now: not counted against MaxHeld
			} else {
				c.node.Trace.Logf("discarded reply %d from %s: nobody waits for it (late or duplicate)", e.ReplyTo, e.From)
			}
			continue
		}
		// The message holds a copy of its body until Recv takes it.
		m := inboxed{e: e, held: len(e.Body)}
		if !c.node.held.take(m.held) {
			c.refuse(e.ID, ErrBusy.Error())
			continue
		}
		select {
		case c.inbox <- m:
		case <-c.ctx.Done():
			c.node.held.give(m.held)
			err = ErrClosed
		}
		if c.ctx.Err() != nil {
			break
		}
	}
	if c.ctx.Err() != nil {
		c.drain()
	}
	if c.ctx.Err() != nil || err == nil {
		err = ErrClosed
	} else {
		err = fmt.Errorf("connection to %s ended: %w", c.Peer(), err)
	}
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
	close(c.done)
}

// readFrame reads the next frame. On a connection a server accepted, the
// peer has its idle time to start it (if it has one) and FrameTimeout to
// finish it; a peer that overstays is told why before the connection closes.
func (c *Conn) readFrame(fr *FrameReader) ([]byte, error) {
	if c.served == nil {
		return fr.ReadFrame()
	}
	idle := time.Time{} // no deadline
	if c.served.idle > 0 {
		idle = time.Now().Add(c.served.idle)
	}
	_ = c.nc.SetReadDeadline(idle)
	if err := fr.waitForData(); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.refuse(0, fmt.Sprintf("closing: nothing received for %v", c.served.idle))
		}
		return nil, err
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(FrameTimeout))
	line, err := fr.ReadFrame()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.refuse(0, fmt.Sprintf("closing: a message took longer than %v to arrive", FrameTimeout))
	}
	return line, err
}

// refuse answers a line that is not an envelope with an error envelope, and
// tells the trace, then the reader goes on with the next line. The answer
// passes no faults: a held or delayed answer would stop the reader itself.
func (c *Conn) refuse(id uint64, reason string) {
	c.node.Trace.Logf("refused a line from %s: %s", c.Peer(), reason)
	body, _ := json.Marshal(ErrorBody{Reason: reason})
	_, _ = c.send(c.ctx, Envelope{Type: TypeError, ReplyTo: id, Body: body}, nil)
}
