package broker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// ConsumerConfig is the consumer program's command line.
type ConsumerConfig struct {
	Broker     string
	From       string        // queue:NAME or topic:NAME
	Pull       bool          // pull instead of having the broker push
	Ack        string        // auto, explicit or client
	Window     int           // push: unacknowledged messages at most; pull: messages per pull
	Wait       time.Duration // pull: how long one pull waits for a message
	Work       time.Duration // how long processing one message takes
	FailEvery  int           // crash on every Nth message; 0: never
	AckEvery   int           // client mode: acknowledge every Nth message (and with it all before)
	AckTimeout time.Duration // asked of the broker; 0: the broker's own
	Durable    string        // a durable subscription of a topic
	Count      int           // stop after this many messages; 0: run until stopped
	Timeout    time.Duration // how long to wait for the broker's answer
}

// Poison is the word that makes a consumer fail on a message, whatever
// --fail-every says: a message it can never process, to watch it go
// round and end in the dead-letter queue.
const Poison = "poison"

// ErrCrash is how a consumer with --fail-every ends: it dies holding a
// message it has not acknowledged, as a crashing process would.
var ErrCrash = errors.New("crashed on purpose (--fail-every) without acknowledging")

// Check reports the first thing wrong with cfg as a usage error.
func (cfg ConsumerConfig) Check() error {
	if _, _, err := ParseDest(cfg.From); err != nil {
		return program.Usagef("--from: %v", err)
	}
	switch {
	case cfg.Broker == "":
		return program.Usagef("--broker needs an address")
	case cfg.Ack != AckAuto && cfg.Ack != AckExplicit && cfg.Ack != AckClient:
		return program.Usagef("--ack must be auto, explicit or client, not %q", cfg.Ack)
	case cfg.Window < 1 || cfg.Window > MaxWindow:
		return program.Usagef("--window must be from 1 to %d, not %d", MaxWindow, cfg.Window)
	case cfg.Wait < 0 || cfg.Wait > MaxWait:
		return program.Usagef("--wait must be from 0 to %s, not %s", MaxWait, cfg.Wait)
	case cfg.Work < 0, cfg.FailEvery < 0, cfg.Count < 0, cfg.AckTimeout < 0:
		return program.Usagef("--work, --fail-every, --count and --ack-timeout must not be negative")
	case cfg.AckEvery < 1:
		return program.Usagef("--ack-every must be at least 1, not %d", cfg.AckEvery)
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Durable != "" && !strings.HasPrefix(cfg.From, KindTopic+":"):
		return program.Usagef("--durable needs --from topic:NAME")
	}
	return nil
}

// RunConsumer is the consumer program: it subscribes, prints one line per
// message and acknowledges it as --ack says. When it loses the broker it
// connects and subscribes again until ctx is done.
func RunConsumer(ctx context.Context, env *program.Env, cfg ConsumerConfig) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	c := &consumer{cfg: cfg, node: env.Node, out: env.Stdout}
	for pause := 250 * time.Millisecond; ; pause = min(2*pause, 2*time.Second) {
		err := c.run(ctx)
		var remote *wire.RemoteError
		switch {
		case err == nil || ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrCrash), errors.As(err, &remote) && !c.subscribed:
			return err
		}
		if c.subscribed {
			pause = 250 * time.Millisecond
		}
		fmt.Fprintf(c.out, "lost the broker (%v); trying again\n", err)
		if !sleep(ctx, pause) {
			return nil
		}
	}
}

// consumer is the consumer's state across its connections.
type consumer struct {
	cfg        ConsumerConfig
	node       *wire.Node
	out        io.Writer
	seen       int      // messages received so far
	sinceAck   int      // client mode: processed since the last ack
	failed     []uint64 // client mode: messages that failed and were not acknowledged
	subscribed bool     // the last connection got as far as subscribe_ok
}

// run is one connection: subscribe, then take messages until it breaks,
// Count is reached (nil), or the consumer crashes on purpose.
func (c *consumer) run(ctx context.Context) error {
	c.subscribed = false
	cl, err := Dial(ctx, c.node, c.cfg.Broker, c.cfg.Timeout)
	if err != nil {
		return err
	}
	defer cl.Close()
	mode := Push
	if c.cfg.Pull {
		mode = Pull
	}
	sub, err := cl.Subscribe(ctx, SubscribeRequest{Dest: c.cfg.From, Mode: mode, Ack: c.cfg.Ack,
		Window: c.cfg.Window, Durable: c.cfg.Durable, AckTimeoutMS: c.cfg.AckTimeout.Milliseconds()})
	if err != nil {
		return err
	}
	c.subscribed = true
	durable := ""
	if c.cfg.Durable != "" {
		durable = ", durable " + c.cfg.Durable
	}
	fmt.Fprintf(c.out, "subscribed to %s (%s, %s ack, window %d%s)\n", c.cfg.From, mode, c.cfg.Ack, c.cfg.Window, durable)
	for {
		var batch []Delivery
		if c.cfg.Pull {
			batch, err = cl.Pull(ctx, sub.Sub, c.cfg.Window, c.cfg.Wait)
			if err == nil && len(batch) == 0 {
				fmt.Fprintf(c.out, "pulled nothing within %s\n", c.cfg.Wait)
			}
		} else {
			var d Delivery
			d, err = cl.Next(ctx)
			batch = []Delivery{d}
		}
		if err != nil {
			return err
		}
		for _, d := range batch {
			if err := c.take(ctx, cl, d); err != nil {
				return err
			}
			if c.cfg.Count > 0 && c.seen >= c.cfg.Count {
				return nil
			}
		}
	}
}

// take processes one message and prints one line for it.
func (c *consumer) take(ctx context.Context, cl *Client, d Delivery) error {
	c.seen++
	line := fmt.Sprintf("#%d %s: %s", d.Msg, deliveryNote(d), d.Text)
	if c.cfg.FailEvery > 0 && c.seen%c.cfg.FailEvery == 0 {
		fmt.Fprintf(c.out, "%s -> crash (every %d messages)\n", line, c.cfg.FailEvery)
		return ErrCrash
	}
	if strings.Contains(d.Text, Poison) {
		outcome, err := c.fail(ctx, cl, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "%s -> failed: %s\n", line, outcome)
		return nil
	}
	if c.cfg.Work > 0 && !sleep(ctx, c.cfg.Work) {
		return ctx.Err()
	}
	outcome, err := c.done(ctx, cl, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "%s -> %s\n", line, outcome)
	return nil
}

// deliveryNote says which delivery of its message d is.
func deliveryNote(d Delivery) string {
	if d.Redelivered {
		return fmt.Sprintf("REDELIVERED, delivery %d", d.Count)
	}
	return fmt.Sprintf("delivery %d", d.Count)
}

// fail is what the consumer does with a message it cannot process.
func (c *consumer) fail(ctx context.Context, cl *Client, d Delivery) (string, error) {
	switch c.cfg.Ack {
	case AckAuto:
		return "lost: with auto ack the broker forgot it when it handed it over", nil
	case AckClient:
		// JMS's client mode has no way to refuse one message: the
		// consumer can only leave it unacknowledged, and the next ack
		// takes it along.
		c.failed = append(c.failed, d.Msg)
		return "not acknowledged (client ack cannot refuse one message)", nil
	}
	res, err := cl.Nack(ctx, d.Sub, d.Msg)
	if err != nil {
		return "", err
	}
	if res.DeadLetter != "" {
		return "given back, and the broker moved it to " + res.DeadLetter, nil
	}
	return "given back for another delivery", nil
}

// done acknowledges a processed message as the ack mode says.
func (c *consumer) done(ctx context.Context, cl *Client, d Delivery) (string, error) {
	switch c.cfg.Ack {
	case AckAuto:
		return "done (acknowledged on delivery)", nil
	case AckExplicit:
		if _, err := cl.Ack(ctx, d.Sub, d.Msg); err != nil {
			return "", err
		}
		return "acked", nil
	}
	c.sinceAck++
	if c.sinceAck < c.cfg.AckEvery {
		return fmt.Sprintf("done, ack after %d more", c.cfg.AckEvery-c.sinceAck), nil
	}
	res, err := cl.Ack(ctx, d.Sub, d.Msg)
	if err != nil {
		return "", err
	}
	c.sinceAck = 0
	ids := make([]string, len(res.Acked))
	var lost []string
	for i, id := range res.Acked {
		ids[i] = fmt.Sprintf("#%d", id)
		if slices.Contains(c.failed, id) {
			lost = append(lost, ids[i])
		}
	}
	c.failed = slices.DeleteFunc(c.failed, func(id uint64) bool { return slices.Contains(res.Acked, id) })
	out := "acked " + strings.Join(ids, " ")
	if len(lost) > 0 {
		out += fmt.Sprintf(" (with them %s, which failed: client ack acknowledges everything received before)", strings.Join(lost, " "))
	}
	return out, nil
}
