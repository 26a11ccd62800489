package broker

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// The message log
//
// A persistent message is a line in the file messages.log of the data
// directory before its producer hears send_ok; an acknowledgement is a
// line too, so that an acknowledged message does not come back after a
// restart. A broker that starts reads the log from the top and holds again
// every persistent message that was not acknowledged:
//
//	{"op":"ids","upto":65536}                        ids up to here may be in use
//	{"op":"sub","buf":"topic:news#audit"}            a durable subscription
//	{"op":"put","buf":"queue:orders","id":7,"text":"order 1"}
//	{"op":"put","buf":"topic:news#audit","id":8,"text":"hello"}
//	{"op":"ack","buf":"queue:orders","id":7}         message 7 is done
//	{"op":"unsub","buf":"topic:news#audit"}          the subscription is forgotten
//
// Group commit: one writer goroutine takes every record that waits,
// writes them with one write and makes them durable with one fsync, then
// answers all their senders. A hundred producers sending at once cost one
// fsync, not a hundred. An ack waits for the write only, not for the
// fsync: a lost ack costs one more delivery, marked redelivered, and a
// consumer must be ready for that anyway.
//
// Compaction: when the file has grown past --compact-at and to twice what
// it held after the last compaction, the writer writes what is still held
// into a new file and renames it over the old one.
//
// A broker killed in the middle of a write leaves a last line without its
// newline; the next start cuts it off. A message whose send_ok was never
// sent may therefore survive or not: its producer did not hear that it was
// taken, and has to send it again if it must arrive.

// The operations of the log's records.
const (
	opPut   = "put"
	opAck   = "ack"
	opSub   = "sub"
	opUnsub = "unsub"
	opIDs   = "ids"
)

// record is one line of the log.
type record struct {
	Op   string `json:"op"`
	Buf  string `json:"buf,omitempty"`
	ID   uint64 `json:"id,omitempty"`
	Text string `json:"text,omitempty"`
	Upto uint64 `json:"upto,omitempty"`
}

const logName = "messages.log"

// errClosed is what a write to a log that was closed gets.
var errClosed = errors.New("the broker is shutting down")

type journal struct {
	dir       string
	compactAt int64
	snapshot  func() []record // what is still held, for compaction
	lock      *os.File        // held for as long as the broker runs: one broker per data directory

	// The writer's own: only the writer goroutine touches these after open.
	f     *os.File
	size  int64  // of the file
	live  int64  // of the file right after the last compaction
	upto  uint64 // the largest ids record written
	maxID uint64 // the largest message id read at the start

	mu     sync.Mutex // guards queue and closed
	queue  []pendingWrite
	closed bool

	wake    chan struct{} // buffered 1
	quit    chan struct{}
	stopped chan struct{}
}

// pendingWrite is records waiting for the writer. then runs after they
// are written (and fsynced, if sync), before done gets the result.
type pendingWrite struct {
	recs []record
	sync bool
	then func(error)
	done chan error
}

// openJournal opens (or creates) the log in dir, hands every record in it
// to replay, and starts the writer.
func openJournal(dir string, compactAt int64, replay func(record), snapshot func() []record) (*journal, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	j := &journal{dir: dir, compactAt: compactAt, snapshot: snapshot, lock: lock,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{})}
	f, err := os.OpenFile(filepath.Join(dir, logName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("cannot open the message log: %w", err)
	}
	good, err := j.read(f, replay)
	if err == nil {
		// Cut off a last line the broker did not finish writing when it died.
		err = f.Truncate(good)
	}
	if err == nil {
		_, err = f.Seek(good, io.SeekStart)
	}
	if err != nil {
		f.Close()
		lock.Close()
		return nil, fmt.Errorf("cannot read the message log: %w", err)
	}
	j.f, j.size, j.live = f, good, good
	go j.write()
	return j, nil
}

// read replays the complete lines of the log and returns their length.
func (j *journal) read(f *os.File, replay func(record)) (int64, error) {
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return good, nil // a line without its newline is cut off
		}
		if err != nil {
			return good, err
		}
		var rec record
		if json.Unmarshal(line, &rec) != nil {
			return good, nil // torn in the middle; what follows cannot be trusted
		}
		good += int64(len(line))
		j.upto = max(j.upto, rec.Upto)
		j.maxID = max(j.maxID, rec.ID)
		replay(rec)
	}
}

// append queues records for the writer and returns the channel that gets
// the result once they are written (and, if sync, on the disk).
func (j *journal) append(recs []record, sync bool, then func(error)) <-chan error {
	done := make(chan error, 1)
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		if then != nil {
			then(errClosed)
		}
		done <- errClosed
		return done
	}
	j.queue = append(j.queue, pendingWrite{recs: recs, sync: sync, then: then, done: done})
	j.mu.Unlock()
	wakeUp(j.wake)
	return done
}

// write is the writer goroutine: group commit, then compaction.
func (j *journal) write() {
	defer close(j.stopped)
	var buf []byte
	for {
		select {
		case <-j.wake:
		case <-j.quit:
		}
		j.mu.Lock()
		batch, closed := j.queue, j.closed
		j.queue = nil
		j.mu.Unlock()
		if len(batch) == 0 {
			if closed {
				return
			}
			continue
		}
		buf = buf[:0]
		sync := false
		for _, p := range batch {
			for _, rec := range p.recs {
				line, _ := json.Marshal(rec)
				buf = append(append(buf, line...), '\n')
				j.upto = max(j.upto, rec.Upto)
			}
			sync = sync || p.sync
		}
		n, err := j.f.Write(buf)
		j.size += int64(n)
		if err == nil && sync {
			err = j.f.Sync()
		}
		for _, p := range batch {
			if p.then != nil {
				p.then(err)
			}
			p.done <- err
		}
		if err == nil && j.size > j.compactAt && j.size > 2*j.live {
			j.compact()
		}
	}
}

// compact rewrites the log with only what is still held. A failure keeps
// the old log, which is longer but just as right.
func (j *journal) compact() {
	recs := append([]record{{Op: opIDs, Upto: j.upto}}, j.snapshot()...)
	var buf []byte
	for _, rec := range recs {
		line, _ := json.Marshal(rec)
		buf = append(append(buf, line...), '\n')
	}
	path := filepath.Join(j.dir, logName)
	tmp := path + ".new"
	err := os.WriteFile(tmp, buf, 0o644)
	var f *os.File
	if err == nil {
		f, err = os.OpenFile(tmp, os.O_RDWR, 0)
	}
	if err == nil {
		err = f.Sync()
		if err == nil {
			_, err = f.Seek(0, io.SeekEnd)
		}
		if err == nil {
			err = os.Rename(tmp, path)
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		os.Remove(tmp)
		return
	}
	syncDir(j.dir)
	j.f.Close()
	j.f, j.size, j.live = f, int64(len(buf)), int64(len(buf))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// close writes what is queued and stops the writer.
func (j *journal) close() {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return
	}
	j.closed = true
	j.mu.Unlock()
	close(j.quit)
	<-j.stopped
	j.f.Close()
	j.lock.Close()
}

// idAllocator gives each message an id never given before, also across
// restarts: it reserves ids in blocks and writes each block's end to the
// log before it gives out the first id of the block, so a restarted broker
// starts after every id the one before may have used, persistent or not.
type idAllocator struct {
	journal *journal
	mu      sync.Mutex // guards next and upto
	next    uint64     // the last id given
	upto    uint64     // the end of the block written to the log
}

const idBlock = 1 << 16

func (a *idAllocator) take() (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next >= a.upto {
		upto := a.next + idBlock
		if err := <-a.journal.append([]record{{Op: opIDs, Upto: upto}}, false, nil); err != nil {
			return 0, fmt.Errorf("message not taken: the log could not write it: %w", err)
		}
		a.upto = upto
	}
	a.next++
	return a.next, nil
}

// replay applies one record of the log while the broker starts.
func (b *Broker) replay(rec record) {
	switch rec.Op {
	case opPut:
		buf := b.replayBuffer(rec.Buf)
		if buf != nil {
			// It may have been delivered before the broker died, and the
			// broker cannot know: it says so (JMS's redelivered is a hint
			// that may be set too often, never too rarely).
			b.replaying[buf][rec.ID] = &entry{msg: &message{id: rec.ID, text: rec.Text, persistent: true}, count: 1, redelivered: true}
		}
	case opAck:
		if buf := b.replayBuffer(rec.Buf); buf != nil {
			delete(b.replaying[buf], rec.ID)
		}
	case opSub:
		b.replayBuffer(rec.Buf)
	case opUnsub:
		dest, name, _ := strings.Cut(rec.Buf, "#")
		if t := b.topics[dest]; t != nil && t.subs[name] != nil {
			delete(b.replaying, t.subs[name])
			delete(t.subs, name)
			t.sorted = nil
		}
	}
}

// replayBuffer returns the queue or durable subscription a record names,
// creating it; nil for a name that is neither.
func (b *Broker) replayBuffer(name string) *buffer {
	if b.replaying == nil {
		b.replaying = map[*buffer]map[uint64]*entry{}
	}
	dest, sub, isSub := strings.Cut(name, "#")
	kind, _, err := ParseDest(dest)
	if err != nil || isSub != (kind == KindTopic) {
		return nil
	}
	var buf *buffer
	if kind == KindQueue {
		buf, err = b.queueLocked(dest)
	} else if checkName("durable subscription", sub, MaxName) == nil {
		buf, _, err = b.topicSubLocked(dest, sub)
	}
	if buf == nil || err != nil {
		return nil
	}
	if b.replaying[buf] == nil {
		b.replaying[buf] = map[uint64]*entry{}
	}
	return buf
}

// finishReplay puts the messages read from the log into their buffers.
func (b *Broker) finishReplay() {
	for buf, entries := range b.replaying {
		for _, e := range entries {
			buf.ready = append(buf.ready, e)
			buf.bytes += e.size()
			b.bytes += e.size()
		}
		slices.SortFunc(buf.ready, func(x, y *entry) int { return cmpID(x.msg.id, y.msg.id) })
	}
	b.replaying = nil
	b.ids.next = max(b.journal.maxID, b.journal.upto)
	b.ids.upto = b.ids.next
}

// snapshot returns the records that rebuild what the broker holds now:
// its durable subscriptions and its persistent messages, handed over or not.
func (b *Broker) snapshot() []record {
	b.mu.Lock()
	defer b.mu.Unlock()
	var recs []record
	for _, buf := range b.buffersLocked() {
		if !buf.durable {
			continue
		}
		if buf.dest != buf.name {
			recs = append(recs, record{Op: opSub, Buf: buf.name})
		}
		var held []*entry
		for _, e := range buf.ready {
			if e.msg.persistent {
				held = append(held, e)
			}
		}
		for _, s := range buf.consumers {
			for _, d := range s.held {
				if d.e.msg.persistent {
					held = append(held, d.e)
				}
			}
		}
		slices.SortFunc(held, func(x, y *entry) int { return cmpID(x.msg.id, y.msg.id) })
		for _, e := range held {
			recs = append(recs, record{Op: opPut, Buf: buf.name, ID: e.msg.id, Text: e.msg.text})
		}
	}
	return recs
}
