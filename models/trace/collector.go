package trace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
)

// Collector is the watcher's end: it accepts the trace connections of many
// programs, hands every event to one function, and sends control lines to a
// program by its node name. The launcher is a Collector; so are the tests.
type Collector struct {
	ln      net.Listener
	onEvent func(Event) // called from one goroutine per program; must be safe for that

	mu    sync.Mutex          // guards nodes and conns
	nodes map[string]net.Conn // node name (from its hello) to its connection
	conns map[net.Conn]bool   // every open connection, to close them on Close
	wg    sync.WaitGroup
}

// Listen starts a collector on addr (for example "127.0.0.1:0") that passes
// every event it receives to onEvent. Lines that are not events of this
// protocol version are skipped; a line over 1 MiB ends that program's
// connection, reported as a log event of the program.
func Listen(addr string, onEvent func(Event)) (*Collector, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("trace collector: %w", err)
	}
	c := &Collector{ln: ln, onEvent: onEvent, nodes: map[string]net.Conn{}, conns: map[net.Conn]bool{}}
	c.wg.Add(1)
	go c.accept()
	return c, nil
}

// Addr is the address programs pass as --trace.
func (c *Collector) Addr() string { return c.ln.Addr().String() }

// Send writes a control line to the program that said hello as node.
func (c *Collector) Send(node string, ctl Control) error {
	ctl.V = Version
	line, err := json.Marshal(ctl)
	if err != nil {
		return err
	}
	c.mu.Lock()
	conn := c.nodes[node]
	c.mu.Unlock()
	if conn == nil {
		return fmt.Errorf("no program named %q is connected", node)
	}
	_, err = conn.Write(append(line, '\n'))
	return err
}

// Hangup closes the trace connection of one program: a program started with
// --exit-with-collector takes that as its cue to stop.
func (c *Collector) Hangup(node string) {
	c.mu.Lock()
	conn := c.nodes[node]
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Close stops accepting, closes every program's connection and waits until
// the last event has been handed on.
func (c *Collector) Close() error {
	err := c.ln.Close()
	c.mu.Lock()
	for conn := range c.conns {
		conn.Close()
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
		c.mu.Lock()
		c.conns[conn] = true
		c.mu.Unlock()
		c.wg.Add(1)
		go c.serve(conn)
	}
}

func (c *Collector) serve(conn net.Conn) {
	defer c.wg.Done()
	var node string
	defer func() {
		c.mu.Lock()
		delete(c.conns, conn)
		if node != "" && c.nodes[node] == conn {
			delete(c.nodes, node)
		}
		c.mu.Unlock()
		conn.Close()
	}()
	sc := bufio.NewScanner(bufio.NewReaderSize(conn, 64<<10))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var ev Event
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Kind == "" || ev.V != Version {
			continue
		}
		if ev.Kind == KindHello && node == "" {
			node = ev.Node
			c.mu.Lock()
			c.nodes[node] = conn
			c.mu.Unlock()
		}
		ev, refused := Bound(ev)
		if c.onEvent != nil {
			c.onEvent(ev)
			if refused != nil {
				// Tell the program's author why a timer or gauge shows as text.
				c.onEvent(Event{V: Version, Kind: KindLog, Node: ev.Node, Time: ev.Time, Text: "typed state refused by the collector: " + refused.Error()})
			}
		}
	}
	if sc.Err() != nil && node != "" && c.onEvent != nil {
		// An event line over the limit: say why this program's events stop.
		c.onEvent(Event{V: Version, Kind: KindLog, Node: node, Text: fmt.Sprintf("trace connection closed by the collector: %v", sc.Err())})
	}
}
