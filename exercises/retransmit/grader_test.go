//go:build grade

package retransmit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// The grader for the retransmission exercise. Run it with
//
//	make grade EX=retransmit
//
// Each case sends a few hundred messages from a Sender to a Receiver over a
// pair of Links with seeded faults, and checks that every message arrived
// exactly once, in order and intact, within caseLimit.

// caseLimit bounds each case. A stop-and-wait sender that resends after a
// few milliseconds needs well under a second per case; one that waits a
// whole second per lost frame does not make it.
const caseLimit = 10 * time.Second

func TestDeliver(t *testing.T) {
	cases := []struct {
		name   string
		faults Faults
		msgs   [][]byte
	}{
		{"perfect-link", Faults{}, randomMessages(1, 50)},
		{"after-loss", Faults{Loss: 0.2}, randomMessages(2, 300)},
		{"corruption", Faults{Corrupt: 0.2}, randomMessages(3, 300)},
		{"duplicates", Faults{Duplicate: 0.3}, randomMessages(4, 300)},
		{"identical-and-empty-messages", Faults{Loss: 0.1, Duplicate: 0.3}, sameMessages(60)},
		{"heavy-loss", Faults{Loss: 0.4}, randomMessages(5, 150)},
		{"everything-at-once", Faults{Loss: 0.15, Corrupt: 0.1, Duplicate: 0.1}, randomMessages(6, 500)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			transfer(t, tc.faults, uint64(100+i), tc.msgs)
		})
	}
}

// transfer sends msgs over data and ack links with the given faults and
// checks what the receiver delivered.
func transfer(t *testing.T, faults Faults, seed uint64, msgs [][]byte) {
	ctx, cancel := context.WithTimeout(t.Context(), caseLimit)
	defer cancel()
	data, acks := NewLink(faults, seed), NewLink(faults, seed+1000)
	sender, receiver := NewSender(data, acks), NewReceiver(data, acks)

	var mu sync.Mutex // guards got
	var got [][]byte
	arrived := make(chan struct{}, 1) // a nudge after each delivery
	deliver := func(msg []byte) {
		mu.Lock()
		got = append(got, bytes.Clone(msg))
		mu.Unlock()
		select {
		case arrived <- struct{}{}:
		default:
		}
	}
	delivered := func() [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return got
	}

	recvCtx, stopReceiver := context.WithCancel(ctx)
	defer stopReceiver()
	runErr := make(chan error, 1)
	go func() { runErr <- receiver.Run(recvCtx, deliver) }()

	faultText := fmt.Sprintf("loss %.0f%%, corruption %.0f%%, duplicates %.0f%%", faults.Loss*100, faults.Corrupt*100, faults.Duplicate*100)
	start := time.Now()
	sent := true
	for i, m := range msgs {
		if err := sender.Send(ctx, m); err != nil {
			hint := ""
			if errors.Is(err, context.DeadlineExceeded) {
				hint = fmt.Sprintf("\n(no acknowledgement in %v: does the receiver acknowledge a frame it already delivered? does the sender accept only the acknowledgement of this message's sequence number? does it resend after a few milliseconds?)", caseLimit)
			}
			t.Errorf("link with %s: Send of message %d of %d (%d bytes) returned the error %q after %v; want nil once the receiver acknowledged it%s\n%s",
				faultText, i+1, len(msgs), len(m), err, time.Since(start).Round(time.Millisecond), hint, linkReport(data, acks))
			sent = false
			break
		}
	}

	// Wait until every message was delivered and the receiver has taken
	// every frame off the data link, so that a duplicate still on its way
	// would be caught too; or until the time is up, or Run gave up early.
	var err error
	running := true
	for sent && running && ctx.Err() == nil && (len(delivered()) < len(msgs) || data.Pending() > 0) {
		select {
		case <-arrived:
		case err = <-runErr:
			running = false
		case <-time.After(time.Millisecond):
		}
	}
	stopReceiver()
	if running {
		select {
		case err = <-runErr:
		case <-time.After(2 * time.Second):
			t.Fatalf("Receiver.Run did not return within 2s after its context was cancelled; every wait must also watch ctx.Done()")
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Receiver.Run returned the error %q; want it to run until its context ends, then return the context's error", err)
	}
	if t.Failed() {
		return
	}
	if msg := compare(delivered(), msgs); msg != "" {
		t.Errorf("link with %s, %d messages sent:\n%s\n%s", faultText, len(msgs), msg, linkReport(data, acks))
	}
}

// compare finds the first difference between what was delivered and what
// was sent, and says what it probably means.
func compare(got, want [][]byte) string {
	for i := range min(len(got), len(want)) {
		if bytes.Equal(got[i], want[i]) {
			continue
		}
		where := fmt.Sprintf("delivery %d is %s, want message %d: %s", i+1, show(got[i]), i+1, show(want[i]))
		switch {
		case i > 0 && bytes.Equal(got[i], want[i-1]):
			return where + "\n(message " + fmt.Sprint(i) + " was delivered twice: a frame that arrives again must be acknowledged again, but not delivered again)"
		case i+1 < len(want) && bytes.Equal(got[i], want[i+1]):
			return where + "\n(message " + fmt.Sprint(i+1) + " was skipped: the sender may only go on after the acknowledgement of this very message)"
		default:
			return where + "\n(a damaged frame was delivered: check the CRC-32 of every frame, including its length)"
		}
	}
	switch {
	case len(got) < len(want):
		return fmt.Sprintf("only %d of %d messages were delivered; missing from message %d on (%s)", len(got), len(want), len(got)+1, show(want[len(got)]))
	case len(got) > len(want):
		return fmt.Sprintf("%d deliveries for %d messages; delivery %d is %s (duplicates must not be delivered)", len(got), len(want), len(want)+1, show(got[len(want)]))
	}
	return ""
}

func TestGiveUp(t *testing.T) {
	t.Run("send-stops-with-context", func(t *testing.T) {
		dead := NewLink(Faults{Loss: 1}, 7) // loses everything
		sender := NewSender(dead, NewLink(Faults{}, 8))
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- sender.Send(ctx, []byte("into the void")) }()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Send over a link that loses every frame, context timeout 200ms: returned %v; want the context's error (context.DeadlineExceeded)", err)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("Send over a link that loses every frame did not return 3s after its 200ms context ended; every wait must also watch ctx.Done()")
		}
	})
	t.Run("receive-stops-with-context", func(t *testing.T) {
		receiver := NewReceiver(NewLink(Faults{}, 9), NewLink(Faults{}, 10))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- receiver.Run(ctx, func([]byte) {}) }()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run on a quiet link, context cancelled: returned %v; want the context's error (context.Canceled)", err)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("Run on a quiet link did not return within 3s after its context was cancelled")
		}
	})
}

// randomMessages makes n messages of 0 to 300 random bytes, seeded so a
// grade is reproducible.
func randomMessages(seed uint64, n int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 99))
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = make([]byte, rng.IntN(301))
		for j := range msgs[i] {
			msgs[i][j] = byte(rng.UintN(256))
		}
	}
	return msgs
}

// sameMessages makes n messages that are empty or all the same text, so a
// receiver that tells repeats by their content instead of their sequence
// number loses them.
func sameMessages(n int) [][]byte {
	msgs := make([][]byte, n)
	for i := range msgs {
		if i%3 != 0 {
			msgs[i] = []byte("same again")
		} else {
			msgs[i] = []byte{}
		}
	}
	return msgs
}

func show(b []byte) string {
	if len(b) > 12 {
		return fmt.Sprintf("%d bytes % x ...", len(b), b[:12])
	}
	return fmt.Sprintf("%d bytes [% x]", len(b), b)
}

func linkReport(data, acks *Link) string {
	d, a := data.Stats(), acks.Stats()
	return fmt.Sprintf("(data link: %d frames sent, %d lost, %d damaged, %d doubled; ack link: %d sent, %d lost, %d damaged, %d doubled)",
		d.Sent, d.Lost, d.Corrupted, d.Duplicated, a.Sent, a.Lost, a.Corrupted, a.Duplicated)
}
