package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// The broker's bounds on what its clients can make it hold, beyond the
// configurable ones in Config.
const (
	MaxText         = 64 << 10 // bytes of one message's text: its deliver frame fits MaxFrame however it is escaped
	MaxConns        = 512      // connections at once; one more is told why and closed
	MaxSubsPerConn  = 8        // subscriptions of one connection
	MaxDestinations = 256      // queues (dead-letter queues included) and topics
	MaxTopicSubs    = 64       // subscriptions of one topic, durable or not
	MaxWindow       = 1000     // unacknowledged messages of one push consumer, messages of one pull
	MaxWait         = 30 * time.Second
	DefaultWindow   = 3
	maxPending      = 256 // requests of one connection waiting at once (sends for the log, pulls, acks)
	pullReplyBytes  = wire.MaxFrame / 2
)

// Config is the broker program's command line.
type Config struct {
	Data          string        // directory of the message log; "" is dsdemo-broker-PORT in the temporary directory
	MaxDepth      int           // messages one queue or subscription holds at most
	MaxBytes      int64         // bytes of text one queue or subscription holds at most
	MaxMemory     int64         // bytes of text all of them hold together
	WhenFull      string        // "refuse" or "block": what a send to a full destination gets
	BlockTimeout  time.Duration // with "block", how long a send waits for room before it is refused
	AckTimeout    time.Duration // how long a consumer has to acknowledge, unless it asks for another
	MaxDeliveries int           // deliveries before a message goes to the dead-letter queue; 0: never
	CompactAt     int64         // log size at which the log is rewritten with only what is still held
}

// DefaultConfig is the configuration of a broker started without flags.
func DefaultConfig() Config {
	return Config{MaxDepth: 1000, MaxBytes: 4 << 20, MaxMemory: 64 << 20, WhenFull: "refuse",
		BlockTimeout: 5 * time.Second, AckTimeout: 10 * time.Second, MaxDeliveries: 5, CompactAt: 8 << 20}
}

// Check reports the first thing wrong with cfg as a usage error.
func (cfg Config) Check() error {
	switch {
	case cfg.MaxDepth < 1:
		return program.Usagef("--max-depth must be at least 1, not %d", cfg.MaxDepth)
	case cfg.MaxBytes < MaxText:
		return program.Usagef("--max-bytes must be at least %d (one message of the largest size), not %d", MaxText, cfg.MaxBytes)
	case cfg.MaxMemory < cfg.MaxBytes:
		return program.Usagef("--max-memory must be at least --max-bytes (%d), not %d", cfg.MaxBytes, cfg.MaxMemory)
	case cfg.WhenFull != "refuse" && cfg.WhenFull != "block":
		return program.Usagef("--when-full must be refuse or block, not %q", cfg.WhenFull)
	case cfg.BlockTimeout <= 0 || cfg.BlockTimeout > MaxWait:
		return program.Usagef("--block-timeout must be above 0 and at most %s, not %s", MaxWait, cfg.BlockTimeout)
	case cfg.AckTimeout <= 0 || cfg.AckTimeout > time.Hour:
		return program.Usagef("--ack-timeout must be above 0 and at most 1h, not %s", cfg.AckTimeout)
	case cfg.MaxDeliveries < 0:
		return program.Usagef("--max-deliveries must be 0 (never dead-letter) or more, not %d", cfg.MaxDeliveries)
	case cfg.CompactAt < 1<<10:
		return program.Usagef("--compact-at must be at least 1024 bytes, not %d", cfg.CompactAt)
	}
	return nil
}

// RunBroker is the broker program: it opens its log, replays it, and
// serves producers and consumers on env.Listener until ctx is done.
func RunBroker(ctx context.Context, env *program.Env, cfg Config) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if env.Listener == nil {
		return errors.New("a broker needs an address to listen on")
	}
	if cfg.Data == "" {
		_, port, _ := net.SplitHostPort(env.Listener.Addr().String())
		cfg.Data = filepath.Join(os.TempDir(), "dsdemo-broker-"+port)
	}
	b, err := Open(env.Node, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	return b.Serve(ctx, env.Listener)
}

// Broker is the message broker: its destinations, its log, and the
// consumers attached to it.
type Broker struct {
	node    *wire.Node
	cfg     Config
	journal *journal
	clock   *wire.ProtocolClock
	ids     idAllocator

	mu           sync.Mutex // guards everything below, and every buffer and subscription
	queues       map[string]*buffer
	topics       map[string]*topic
	bytes        int64                          // of every buffer's texts
	room         chan struct{}                  // closed when a buffer gives up messages; nil while no send waits for room
	deadlines    *wire.DeadlineQueue[*delivery] // unacknowledged deliveries by ack deadline
	report       reportBoard
	replaying    map[*buffer]map[uint64]*entry // the log's messages while it is read
	lastTopicSub uint64                        // names the subscriptions that are not durable

	running sync.WaitGroup
	stop    context.CancelFunc
}

// Open opens the log in cfg.Data (creating the directory), replays it,
// and returns a broker holding what the log holds. Close releases it.
func Open(n *wire.Node, cfg Config) (*Broker, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	b := &Broker{node: n, cfg: cfg, clock: wire.NewProtocolClock(n.Faults),
		queues: map[string]*buffer{}, topics: map[string]*topic{},
		deadlines: wire.NewDeadlineQueue[*delivery]()}
	b.report.init(n)
	j, err := openJournal(cfg.Data, cfg.CompactAt, b.replay, b.snapshot)
	if err != nil {
		return nil, err
	}
	b.journal = j
	b.ids.journal = j
	b.finishReplay()
	ctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	// The ack deadlines: a delivery whose deadline passes goes back to its
	// buffer; the live view's timers are reported again when the pace changes.
	b.running.Go(func() {
		b.deadlines.Sweep(ctx, b.clock, &b.mu, b.expireLocked, func() { b.report.markAllSubs(b) })
	})
	b.running.Go(func() { b.report.run(ctx, b) })
	return b, nil
}

// Close stops the broker's background work and closes its log.
func (b *Broker) Close() {
	b.stop()
	b.running.Wait()
	b.journal.close()
}

// Serve accepts producers and consumers on ln until ctx is done. It does
// not use wire.Serve, whose handlers only answer: a broker also speaks
// first, when it pushes a message to a consumer, so it keeps each
// connection (wire.ServeConnsWith). It keeps no idle timeout either: a
// consumer waiting for pushed messages may be silent for as long as no
// producer sends. Each connection writes through its own buffer
// (flush.go).
func (b *Broker) Serve(ctx context.Context, ln net.Listener) error {
	b.mu.Lock()
	b.reportAllLocked()
	b.mu.Unlock()
	opts := wire.ServeOptions{MaxConns: MaxConns, Wrap: func(nc net.Conn) net.Conn { return newFlushConn(nc) }}
	return wire.ServeConnsWith(ctx, b.node, ln, opts, b.serveConn)
}

// client is one connection of a producer or consumer.
type client struct {
	conn    *wire.Conn
	subs    map[uint64]*subscription        // guarded by the broker's mu
	lastSub uint64                          // guarded by the broker's mu
	spawn   func(func(ctx context.Context)) // runs work that ends with the connection

	lastDest, lastKind string // the last destination sent to, checked: a producer names the same one again and again
}

// parseDest is ParseDest, remembering the last good destination of the
// connection (only its reader calls it).
func (cl *client) parseDest(dest string) (string, error) {
	if dest == cl.lastDest && dest != "" {
		return cl.lastKind, nil
	}
	kind, _, err := ParseDest(dest)
	if err == nil {
		cl.lastDest, cl.lastKind = dest, kind
	}
	return kind, err
}

// An answer is what a request gets: a body or an error now, or, for a
// request that waits (for the log, for a message to pull, for room),
// a function that waits and then answers, run apart from the
// connection's reader so the client's other requests are not held up.
type answer struct {
	body  any
	err   error
	wait  func(ctx context.Context) (any, error)
	after func() // run once the answer has gone
	quiet bool   // a publish: no answer, unless it is refused
	dest  string // a publish's destination, for its refusal
}

func now(body any, err error) answer { return answer{body: body, err: err} }

// serveConn reads a client's requests in order until the connection ends,
// then gives back every message the client had not acknowledged.
func (b *Broker) serveConn(ctx context.Context, c *wire.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	var waiting sync.WaitGroup
	cl := &client{conn: c, subs: map[uint64]*subscription{},
		spawn: func(f func(context.Context)) { waiting.Go(func() { f(ctx) }) }}
	slots := make(chan struct{}, maxPending)
	defer func() {
		c.Close()
		cancel()
		b.disconnect(cl)
		waiting.Wait()
	}()
	for {
		req, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if req.Type == wire.TypeError {
			continue // the client did not understand a reply; never argue
		}
		a := b.handle(ctx, cl, req)
		if a.quiet {
			if a.err != nil && !b.refusePublish(ctx, c, req, a) {
				return
			}
			continue
		}
		if a.wait == nil {
			if !b.reply(ctx, c, req, a.body, a.err) {
				return
			}
			if a.after != nil {
				a.after()
			}
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		waiting.Go(func() {
			defer func() { <-slots }()
			body, err := a.wait(ctx)
			if !b.reply(ctx, c, req, body, err) {
				c.Close()
			}
		})
	}
}

// refusePublish tells a producer that the broker did not take its
// publish: an error line that answers nothing (reply_to 0, the producer
// waits for no reply), naming the publish by its id.
func (b *Broker) refusePublish(ctx context.Context, c *wire.Conn, req wire.Envelope, a answer) bool {
	body, err := json.Marshal(PublishError{Reason: a.err.Error(), Publish: req.ID, Dest: cut(a.dest)})
	if err != nil {
		return false
	}
	_, err = c.Send(ctx, wire.Envelope{To: req.From, Type: wire.TypeError, Body: body})
	return err == nil
}

func (b *Broker) reply(ctx context.Context, c *wire.Conn, req wire.Envelope, body any, err error) bool {
	if err != nil {
		return c.Reply(ctx, req, wire.TypeError, wire.ErrorBody{Reason: err.Error()}) == nil
	}
	return c.Reply(ctx, req, req.Type+"_ok", body) == nil
}

func (b *Broker) handle(ctx context.Context, cl *client, req wire.Envelope) answer {
	switch req.Type {
	case TypeSend, TypePublish:
		var r SendRequest
		var err error
		if !readSendRequest(req.Body, &r) {
			r = SendRequest{}
			err = req.UnmarshalBody(&r)
		}
		a := now(nil, err)
		if err == nil {
			a = b.send(ctx, cl, r)
		}
		// The sender goes on: a publish is answered only when refused. A
		// persistent message always gets its receipt, publish_ok, once it
		// is on disk.
		a.quiet, a.dest = req.Type == TypePublish && !r.Persistent, r.Dest
		return a
	case TypeSubscribe:
		var r SubscribeRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return b.subscribe(cl, req.From, r)
	case TypePull:
		var r PullRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return b.pull(cl, r)
	case TypeAck:
		var r AckRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return b.ack(cl, r)
	case TypeNack:
		var r NackRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(b.nack(cl, r))
	case TypeUnsubscribe:
		var r UnsubscribeRequest
		if err := req.UnmarshalBody(&r); err != nil {
			return now(nil, err)
		}
		return now(struct{}{}, b.unsubscribe(cl, r))
	case TypeStatus:
		return now(b.Status(), nil)
	case TypeDeliver:
		return now(nil, errors.New("deliver goes from the broker to a consumer, not the other way"))
	}
	return now(nil, fmt.Errorf("unknown request type %q (want send, publish, subscribe, pull, ack, nack, unsubscribe or status)", cut(req.Type)))
}

// Status returns every destination with its depth and counts.
func (b *Broker) Status() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := Status{Destinations: []DestinationStatus{}}
	for _, buf := range b.buffersLocked() {
		st.Destinations = append(st.Destinations, buf.status())
	}
	return st
}

func (buf *buffer) status() DestinationStatus {
	return DestinationStatus{Name: buf.name, Ready: len(buf.ready), Unacked: buf.unacked, Bytes: buf.bytes,
		Consumers: len(buf.consumers), Redelivered: buf.redelivered, DeadLettered: buf.deadLettered}
}
