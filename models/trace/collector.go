package trace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// Collector is the watcher's end: it accepts the trace connections of many
// programs, hands every event to one function, and sends control lines to a
// program by its node name. The launcher is a Collector; so are the tests.
//
// Anything on the machine can connect to a collector, so it bounds what
// one connection may hold:
//
//   - A connection says hello within HelloTimeout, or it is closed. Before
//     its hello, a line may have at most maxHelloLine bytes, and its lines
//     are not passed on: a program's first line is its hello.
//   - At most MaxPrograms connections are open at once; one more is closed
//     at once, and the collector's user gets a log event saying why.
//   - A node name belongs to the first open connection that said hello with
//     it. A second hello with the same name waits, within its own hello
//     deadline, for the first connection to close: a restarted program
//     (whose old process is gone, so its old connection is closing) gets
//     its name, a stranger claiming a running node's name is refused. Events
//     of a connection that name another node are skipped.
//   - Each control line must be taken by the program within WriteTimeout;
//     a program that does not read its control lines is disconnected, with
//     a log event, and Send never blocks for longer.
//
// There is no idle timeout: a program may rightly stay silent for a long
// time (a server nobody calls, a paused demo), and its connection is how
// the launcher steers it and how --exit-with-collector ends it.
type Collector struct {
	ln      net.Listener
	cfg     ListenConfig
	onEvent func(Event) // called from one goroutine per program; must be safe for that
	closing chan struct{}

	mu       sync.Mutex            // guards nodes, programs and full
	nodes    map[string]*program   // node name (from its hello) to its connection
	programs map[*program]struct{} // every open connection, to count them and close them on Close
	full     bool                  // a connection was refused for want of room and no connection was taken since
	wg       sync.WaitGroup
}

// ListenConfig holds the limits a collector puts on the programs that
// connect to it. A zero field takes its default.
type ListenConfig struct {
	HelloTimeout time.Duration // how long a new connection may take to say hello; default 30 s
	WriteTimeout time.Duration // how long a program may take to accept one control line; default 2 s
	MaxPrograms  int           // connections open at once; default 256
	// Admit decides on a program's hello whether the collector takes its
	// events: an error is the reason it does not, sent to the program in
	// a "refused" control line before its connection closes, and logged.
	// The hello's Token is for Admit alone: it is cleared before the
	// hello goes on. Nil admits every program.
	Admit func(hello Event) error
}

// The defaults of ListenConfig. A program says hello when it is ready, so
// HelloTimeout leaves room for a slow start (the launcher gives up on a
// hello after 10 s); a program that reads its control lines takes a line
// in microseconds, and the kernel buffers many lines for one that is
// frozen for a while, so a write waits only when a program has stopped
// reading for good.
const (
	DefaultHelloTimeout = 30 * time.Second
	DefaultWriteTimeout = 2 * time.Second
	DefaultMaxPrograms  = 256
)

// maxHelloLine bounds a line before the hello: a hello is a few hundred
// bytes, so a connection nobody knows yet cannot make the collector hold
// a megabyte. After the hello, lines may have maxLine bytes.
const (
	maxHelloLine = 64 << 10
	maxLine      = 1 << 20
)

// program is one open trace connection.
type program struct {
	conn    net.Conn
	done    chan struct{} // closed when the connection is closed and its name given up
	writeMu sync.Mutex    // guards writes to conn: one control line at a time, each with its own deadline

	mu     sync.Mutex // guards reason
	reason string     // why the collector closed the connection, for the log event; "" if it did not
}

// Listen starts a collector on addr (for example "127.0.0.1:0") with the
// default limits, passing every event it receives to onEvent. Lines that
// are not events of this protocol version are skipped; a line over 1 MiB
// ends that program's connection, reported as a log event of the program.
func Listen(addr string, onEvent func(Event)) (*Collector, error) {
	return ListenConfig{}.Listen(addr, onEvent)
}

// Listen starts a collector on addr with the limits of lc.
func (lc ListenConfig) Listen(addr string, onEvent func(Event)) (*Collector, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("trace collector: %w", err)
	}
	if lc.HelloTimeout <= 0 {
		lc.HelloTimeout = DefaultHelloTimeout
	}
	if lc.WriteTimeout <= 0 {
		lc.WriteTimeout = DefaultWriteTimeout
	}
	if lc.MaxPrograms <= 0 {
		lc.MaxPrograms = DefaultMaxPrograms
	}
	c := &Collector{ln: ln, cfg: lc, onEvent: onEvent, closing: make(chan struct{}),
		nodes: map[string]*program{}, programs: map[*program]struct{}{}}
	c.wg.Add(1)
	go c.accept()
	return c, nil
}

// Addr is the address programs pass as --trace.
func (c *Collector) Addr() string { return c.ln.Addr().String() }

// Send writes a control line to the program that said hello as node. A
// program that does not take the line within the write timeout is
// disconnected, and Send returns an error saying so.
func (c *Collector) Send(node string, ctl Control) error {
	ctl.V = Version
	line, err := json.Marshal(ctl)
	if err != nil {
		return err
	}
	c.mu.Lock()
	p := c.nodes[node]
	c.mu.Unlock()
	if p == nil {
		return fmt.Errorf("no program named %q is connected", node)
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	if err := p.conn.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout)); err != nil {
		return err
	}
	_, err = p.conn.Write(append(line, '\n'))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		p.hangUp(fmt.Sprintf("it took no control line for %s", c.cfg.WriteTimeout))
		return fmt.Errorf("%s does not read its control lines: disconnected", node)
	}
	return err
}

// Hangup closes the trace connection of one program: a program started with
// --exit-with-collector takes that as its cue to stop.
func (c *Collector) Hangup(node string) {
	c.mu.Lock()
	p := c.nodes[node]
	c.mu.Unlock()
	if p != nil {
		p.conn.Close()
	}
}

// Close stops accepting, closes every program's connection and waits until
// the last event has been handed on.
func (c *Collector) Close() error {
	err := c.ln.Close()
	c.mu.Lock()
	select {
	case <-c.closing:
	default:
		close(c.closing)
	}
	for p := range c.programs {
		p.conn.Close()
	}
	c.mu.Unlock()
	c.wg.Wait()
	return err
}

func (c *Collector) accept() {
	defer c.wg.Done()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		p := &program{conn: conn, done: make(chan struct{})}
		if !c.admit(p) {
			continue
		}
		c.wg.Add(1)
		go c.serve(p)
	}
}

// admit counts p among the open connections, or closes it when
// MaxPrograms are open already. The first refusal after the collector had
// room is reported, so that a flood of connections is one log line.
func (c *Collector) admit(p *program) bool {
	c.mu.Lock()
	full := len(c.programs) >= c.cfg.MaxPrograms
	report := full && !c.full
	if full {
		c.full = true
	} else {
		c.full = false
		c.programs[p] = struct{}{}
	}
	c.mu.Unlock()
	if !full {
		return true
	}
	p.conn.Close()
	if report && c.onEvent != nil {
		c.onEvent(Event{V: Version, Kind: KindLog, Node: "collector", Text: fmt.Sprintf(
			"refused a trace connection from %s: %d programs are connected already, the most this collector serves",
			p.conn.RemoteAddr(), c.cfg.MaxPrograms)})
	}
	return false
}

// serve reads one program's events until its connection ends.
func (c *Collector) serve(p *program) {
	defer c.wg.Done()
	var node string
	defer func() {
		p.conn.Close()
		c.mu.Lock()
		delete(c.programs, p)
		if node != "" && c.nodes[node] == p {
			delete(c.nodes, node)
		}
		c.mu.Unlock()
		close(p.done)
	}()
	helloBy := time.Now().Add(c.cfg.HelloTimeout)
	if p.conn.SetReadDeadline(helloBy) != nil {
		return
	}
	r := bufio.NewReaderSize(p.conn, 64<<10)
	var buf []byte
	limit := maxHelloLine
	for {
		line, err := readLine(r, buf[:0], limit)
		if err != nil {
			c.closed(p, node, err)
			return
		}
		buf = line
		ev, refused, ok := decodeEvent(line)
		if !ok {
			continue
		}
		if node == "" {
			if ev.Kind != KindHello || ev.Node == "" {
				continue // a program's first line is its hello
			}
			if err := c.refuse(p, ev); err != nil {
				return
			}
			ev.Token = ""
			if ok, why := c.claim(p, ev.Node, helloBy); !ok {
				if why != "" {
					c.report(Event{V: Version, Kind: KindLog, Node: ev.Node, Text: why})
				}
				return
			}
			node, limit = ev.Node, maxLine
			if p.conn.SetReadDeadline(time.Time{}) != nil {
				return
			}
		} else if ev.Node != node {
			continue // one connection speaks for one node
		}
		c.report(ev)
		if refused != nil {
			// Tell the program's author why a timer or gauge shows as text.
			c.report(Event{V: Version, Kind: KindLog, Node: ev.Node, Time: ev.Time, Text: "typed state refused by the collector: " + refused.Error()})
		}
	}
}

// refuse asks Admit about a program's hello; when it refuses, it tells
// the program why, logs it, and returns the reason.
func (c *Collector) refuse(p *program, hello Event) error {
	if c.cfg.Admit == nil {
		return nil
	}
	err := c.cfg.Admit(hello)
	if err == nil {
		return nil
	}
	line, _ := json.Marshal(Control{V: Version, Op: OpRefused, Cmd: err.Error()})
	p.writeMu.Lock()
	_ = p.conn.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
	_, _ = p.conn.Write(append(line, '\n'))
	p.writeMu.Unlock()
	c.report(Event{V: Version, Kind: KindLog, Node: "collector", Text: fmt.Sprintf("refused %q from %s: %v", hello.Node, p.conn.RemoteAddr(), err)})
	return err
}

// claim gives node to p. While another open connection holds the name,
// it waits for that connection to close until the hello deadline, and
// says why it refuses when the name is still taken then.
func (c *Collector) claim(p *program, node string, helloBy time.Time) (ok bool, why string) {
	timer := time.NewTimer(time.Until(helloBy))
	defer timer.Stop()
	for {
		c.mu.Lock()
		holder := c.nodes[node]
		if holder == nil {
			c.nodes[node] = p
			c.mu.Unlock()
			return true, ""
		}
		c.mu.Unlock()
		select {
		case <-holder.done:
		case <-timer.C:
			return false, fmt.Sprintf("refused a second hello as %s from %s: the first connection of %s is still open and keeps the name",
				node, p.conn.RemoteAddr(), node)
		case <-c.closing:
			return false, ""
		}
	}
}

// closed reports why a program's events stop, when that is worth saying:
// the collector closed it (a line over the limit, control lines not read).
// A connection that never said hello ends without a word.
func (c *Collector) closed(p *program, node string, err error) {
	if node == "" {
		return
	}
	p.mu.Lock()
	reason := p.reason
	p.mu.Unlock()
	switch {
	case reason != "":
		c.report(Event{V: Version, Kind: KindLog, Node: node, Text: "trace connection closed by the collector: " + reason})
	case errors.Is(err, bufio.ErrTooLong):
		c.report(Event{V: Version, Kind: KindLog, Node: node, Text: fmt.Sprintf("trace connection closed by the collector: %v", err)})
	}
}

// hangUp closes p's connection for a reason its node's log should show.
func (p *program) hangUp(reason string) {
	p.mu.Lock()
	if p.reason == "" {
		p.reason = reason
	}
	p.mu.Unlock()
	p.conn.Close()
}

func (c *Collector) report(ev Event) {
	if c.onEvent != nil {
		c.onEvent(ev)
	}
}

// decodeEvent reads one event line as the collector does: ok is false
// for a line that is not an event of this protocol version, or one of a
// kind only a collector writes (a program's forged fault), which is
// skipped; refused says why typed state was turned into plain text
// (Bound).
func decodeEvent(line []byte) (ev Event, refused error, ok bool) {
	if json.Unmarshal(line, &ev) != nil || ev.Kind == "" || ev.V != Version || WrittenByCollector(ev.Kind) {
		return Event{}, nil, false
	}
	ev, refused = Bound(ev)
	return ev, refused, true
}

// readLine returns the next line of r without its "\n" or "\r\n", reusing
// buf. A line longer than max bytes (its newline included) is
// bufio.ErrTooLong, found before more than max bytes of it are held.
func readLine(r *bufio.Reader, buf []byte, max int) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			return nil, bufio.ErrTooLong
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			return dropCR(buf[:len(buf)-1]), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(buf) > 0:
			return dropCR(buf), nil
		default:
			return nil, err
		}
	}
}

func dropCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}
