package broker

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The two kinds of destination, the prefix of every destination's name.
const (
	KindQueue = "queue" // point to point: each message goes to one consumer
	KindTopic = "topic" // publish/subscribe: each subscription gets its own copy
)

// MaxName is the longest name of a destination or a durable subscription,
// in bytes, without the kind: "queue:" + 64 bytes. A dead-letter queue
// adds DeadLetterSuffix to the name of its queue.
const MaxName = 64

// DeadLetterSuffix names a queue's dead-letter queue: the messages of
// queue:orders that were delivered --max-deliveries times without an ack
// end in queue:orders.dlq. The dead letters of a topic's subscriptions
// end in the queue of the topic's name: topic:news -> queue:news.dlq.
const DeadLetterSuffix = ".dlq"

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParseDest splits a destination such as "queue:orders" into its kind and
// name, or says in one sentence what is wrong with it.
func ParseDest(dest string) (kind, name string, err error) {
	kind, name, ok := strings.Cut(dest, ":")
	if !ok || (kind != KindQueue && kind != KindTopic) {
		return "", "", fmt.Errorf("destination %q must be queue:NAME or topic:NAME", cut(dest))
	}
	limit := MaxName
	if strings.HasSuffix(name, DeadLetterSuffix) {
		limit += len(DeadLetterSuffix)
	}
	if err := checkName("destination", name, limit); err != nil {
		return "", "", err
	}
	return kind, name, nil
}

// checkName refuses a name that is empty, too long, or holds anything but
// letters, digits, dot, dash and underscore.
func checkName(what, name string, limit int) error {
	switch {
	case name == "":
		return fmt.Errorf("%s needs a name", what)
	case len(name) > limit:
		return fmt.Errorf("%s name of %d bytes is longer than %d", what, len(name), limit)
	case !namePattern.MatchString(name):
		return fmt.Errorf("%s name %q may hold only letters, digits, '.', '-' and '_', and starts with a letter or digit", what, name)
	}
	return nil
}

// cut shortens what a peer sent before it goes into an error reply.
func cut(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// deadLetterOf is the name of the dead-letter queue for buffer b.
func deadLetterOf(b *buffer) string {
	_, name, _ := ParseDest(b.dest)
	return KindQueue + ":" + name + DeadLetterSuffix
}

// message is what a producer sent. Its text is shared by all the copies a
// topic makes.
type message struct {
	id         uint64
	text       string
	persistent bool
}

// entry is one copy of a message in one buffer.
type entry struct {
	msg         *message
	count       int  // deliveries so far
	redelivered bool // it may have been handed over before
}

func (e *entry) size() int64 { return int64(len(e.msg.text)) }

// buffer holds the messages of one queue, or of one subscription of a
// topic: a topic is a set of buffers, one per subscription, and a send to
// the topic puts a copy into each. Consumers of one buffer compete for its
// messages: each message goes to one of them.
//
// Every field is guarded by the broker's mu.
type buffer struct {
	name    string // "queue:orders", or "topic:news#audit" for a subscription
	dest    string // the destination it belongs to: "queue:orders", "topic:news"
	durable bool   // it outlives its consumers (a queue, a durable subscription), and its persistent messages are logged
	deadEnd bool   // a dead-letter queue: its messages are not dead-lettered again
	gone    bool   // a subscription that has ended: it takes nothing more

	ready     []*entry // waiting for a consumer, oldest id first
	unacked   int      // handed over, not acknowledged yet
	reserved  int      // sends accepted and waiting for the log
	bytes     int64    // of ready, unacked and reserved texts
	consumers []*subscription
	next      int       // round robin: the consumer to try first
	self      []*buffer // a queue's targets of a send: itself, made once

	redelivered  int64
	deadLettered int64
}

// depth is how many messages the buffer holds, counted against --max-depth.
func (b *buffer) depth() int { return len(b.ready) + b.unacked + b.reserved }

// putBack puts e back among the ready messages at its place by id, so a
// redelivered message comes before the newer ones, as it did the first time.
func (b *buffer) putBack(e *entry) {
	i, _ := slices.BinarySearchFunc(b.ready, e.msg.id, func(x *entry, id uint64) int {
		return cmpID(x.msg.id, id)
	})
	b.ready = slices.Insert(b.ready, i, e)
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nextConsumer returns the consumer that gets the next message, taking
// turns among those with room: a push consumer below its window, a pull
// consumer that waits in a pull. Nil when none has room.
func (b *buffer) nextConsumer() *subscription {
	n := len(b.consumers)
	for i := range n {
		s := b.consumers[(b.next+i)%n]
		if s.hasRoom() {
			b.next = (b.next + i + 1) % n
			return s
		}
	}
	return nil
}

func (b *buffer) removeConsumer(s *subscription) {
	if i := slices.Index(b.consumers, s); i >= 0 {
		b.consumers = slices.Delete(b.consumers, i, i+1)
		if b.next > i {
			b.next--
		}
		if len(b.consumers) > 0 {
			b.next %= len(b.consumers)
		} else {
			b.next = 0
		}
	}
}

// topic is a publish/subscribe destination: one buffer per subscription.
type topic struct {
	name string             // "topic:news"
	subs map[string]*buffer // by subscription name: a durable name, or "~N" for a consumer's own
	// sorted is subs by name, made on a send and kept until subs
	// changes (set to nil then): the buffers a message to the topic goes
	// to. It is replaced, never changed, so a send may keep it.
	sorted []*buffer
}

// targets returns the topic's subscription buffers by name.
func (t *topic) targets() []*buffer {
	if t.sorted == nil {
		t.sorted = make([]*buffer, 0, len(t.subs))
		for _, buf := range t.subs {
			t.sorted = append(t.sorted, buf)
		}
		slices.SortFunc(t.sorted, func(x, y *buffer) int { return strings.Compare(x.name, y.name) })
	}
	return t.sorted
}
