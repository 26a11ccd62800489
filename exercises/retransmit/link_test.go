package retransmit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
)

// The Link is part of the exercise, not of the student's answer, so it is
// tested in every build: a grade is only fair if the link does what it says.

func TestLinkPerfectKeepsOrder(t *testing.T) {
	l := NewLink(Faults{}, 1)
	for i := range 10 {
		l.Send([]byte{byte(i)})
	}
	for i := range 10 {
		f, err := l.Recv(t.Context())
		if err != nil || !bytes.Equal(f, []byte{byte(i)}) {
			t.Fatalf("frame %d: got %v, %v; want [%d]", i, f, err, i)
		}
	}
	if got, want := l.Stats(), (LinkStats{Sent: 10}); got != want {
		t.Errorf("stats: got %+v, want %+v", got, want)
	}
}

func TestLinkFaults(t *testing.T) {
	frame := []byte("a frame of some length")
	cases := []struct {
		faults  Faults
		arrived int
		check   func(t *testing.T, got []byte)
	}{
		{Faults{Loss: 1}, 0, nil},
		{Faults{Duplicate: 1}, 200, func(t *testing.T, got []byte) {
			if !bytes.Equal(got, frame) {
				t.Errorf("a duplicated frame arrived as %q, want %q", got, frame)
			}
		}},
		{Faults{Corrupt: 1}, 100, func(t *testing.T, got []byte) {
			if bytes.Equal(got, frame) {
				t.Errorf("with Corrupt 1, a frame arrived intact")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc.faults), func(t *testing.T) {
			l := NewLink(tc.faults, 2)
			for range 100 {
				l.Send(frame)
			}
			if got := l.Pending(); got != tc.arrived {
				t.Fatalf("100 frames sent: %d on their way, want %d", got, tc.arrived)
			}
			for range tc.arrived {
				f, err := l.Recv(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, f)
			}
		})
	}
}

func TestLinkSameSeedSameFaults(t *testing.T) {
	run := func() (LinkStats, [][]byte) {
		l := NewLink(Faults{Loss: 0.3, Corrupt: 0.3, Duplicate: 0.3}, 42)
		for i := range 100 {
			l.Send([]byte(fmt.Sprint("frame ", i)))
		}
		var got [][]byte
		for l.Pending() > 0 {
			f, _ := l.Recv(context.Background())
			got = append(got, f)
		}
		return l.Stats(), got
	}
	s1, f1 := run()
	s2, f2 := run()
	if s1 != s2 || fmt.Sprint(f1) != fmt.Sprint(f2) {
		t.Errorf("two links with the same seed behaved differently: %+v and %+v", s1, s2)
	}
}

func TestLinkRecvWatchesContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := NewLink(Faults{}, 3).Recv(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Recv with a cancelled context on an empty link: got %v, want context.Canceled", err)
	}
}
