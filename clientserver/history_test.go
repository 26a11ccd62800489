package clientserver_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/clientserver"
	"dsdemo/models/wire"
)

// The writes of the hand-written histories; times in milliseconds.
func acked(key, value string, invoked, completed int) clientserver.Write {
	return clientserver.Write{Key: key, Value: value, Outcome: clientserver.WriteOK,
		Invoked: time.Duration(invoked) * time.Millisecond, Completed: time.Duration(completed) * time.Millisecond}
}

func refused(key, value string, invoked, completed int) clientserver.Write {
	w := acked(key, value, invoked, completed)
	w.Outcome = clientserver.WriteFailed
	return w
}

func unknown(key, value string, invoked, gaveUp int) clientserver.Write {
	w := acked(key, value, invoked, gaveUp)
	w.Outcome = clientserver.WriteUnknown
	return w
}

// agreed is the final state of three replicas that agree.
func agreed(store map[string]string) map[string]map[string]string {
	return map[string]map[string]string{"server-1": store, "server-2": store, "server-3": store}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name          string
		writes        []clientserver.Write
		replicas      map[string]map[string]string
		wantLost      []string // values of the acknowledged writes lost
		wantDivergent []string
	}{
		{
			name:     "the last of sequential writes wins",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), acked("k", "b", 20, 30), acked("k", "c", 40, 50)},
			replicas: agreed(map[string]string{"k": "c"}),
		},
		{
			name:     "an earlier write wins over a later acknowledged one: the later is lost",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), acked("k", "b", 20, 30)},
			replicas: agreed(map[string]string{"k": "a"}),
			wantLost: []string{"b"},
		},
		{
			name: "a stale write released by a thawed server (item 11): every write after it is lost",
			writes: []clientserver.Write{
				acked("k", "v1", 0, 1000), // failed over from the frozen server, acknowledged by another
				acked("k", "v2", 1100, 1110),
				acked("k", "v3", 1200, 1210),
			},
			replicas: agreed(map[string]string{"k": "v1"}),
			wantLost: []string{"v2", "v3"},
		},
		{
			name:     "concurrent writes: the first may win",
			writes:   []clientserver.Write{acked("k", "a", 0, 20), acked("k", "b", 10, 30)},
			replicas: agreed(map[string]string{"k": "a"}),
		},
		{
			name:     "concurrent writes: the second may win",
			writes:   []clientserver.Write{acked("k", "a", 0, 20), acked("k", "b", 10, 30)},
			replicas: agreed(map[string]string{"k": "b"}),
		},
		{
			name:     "a write concurrent with the winner, and one before it",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), acked("k", "b", 20, 30), acked("k", "c", 25, 40)},
			replicas: agreed(map[string]string{"k": "b"}),
		},
		{
			name:     "an unknown write may win, even one invoked long before",
			writes:   []clientserver.Write{unknown("k", "u", 0, 5), acked("k", "a", 100, 110), acked("k", "b", 200, 210)},
			replicas: agreed(map[string]string{"k": "u"}),
		},
		{
			name:     "an unknown write may also never happen",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), unknown("k", "u", 20, 30)},
			replicas: agreed(map[string]string{"k": "a"}),
		},
		{
			name:     "an unknown write does not excuse losing a later acknowledged one",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), unknown("k", "u", 20, 30), acked("k", "b", 40, 50)},
			replicas: agreed(map[string]string{"k": "a"}),
			wantLost: []string{"b"},
		},
		{
			name:     "a refused write that shows up: every acknowledged write is lost",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), refused("k", "r", 20, 30)},
			replicas: agreed(map[string]string{"k": "r"}),
			wantLost: []string{"a"},
		},
		{
			name:     "a value no client wrote",
			writes:   []clientserver.Write{acked("k", "a", 0, 10)},
			replicas: agreed(map[string]string{"k": "forged"}),
			wantLost: []string{"a"},
		},
		{
			name:     "a value written to another key",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), acked("j", "b", 0, 10)},
			replicas: agreed(map[string]string{"k": "b", "j": "b"}),
			wantLost: []string{"a"},
		},
		{
			name:     "a key gone although a write to it was acknowledged",
			writes:   []clientserver.Write{acked("k", "a", 0, 10), acked("j", "b", 0, 10)},
			replicas: agreed(map[string]string{"j": "b"}),
			wantLost: []string{"a"},
		},
		{
			name:     "a key never there whose writes all had unknown outcomes",
			writes:   []clientserver.Write{unknown("k", "u", 0, 10), refused("k", "r", 20, 30)},
			replicas: agreed(map[string]string{}),
		},
		{
			name:   "divergent replicas, one of them behind",
			writes: []clientserver.Write{acked("k", "a", 0, 10), acked("k", "b", 20, 30)},
			replicas: map[string]map[string]string{
				"server-1": {"k": "b"}, "server-2": {"k": "a"}, "server-3": {"k": "b"},
			},
			wantLost:      []string{"b"},
			wantDivergent: []string{"k"},
		},
		{
			name:   "divergent replicas, each value allowed by itself",
			writes: []clientserver.Write{acked("k", "a", 0, 20), acked("k", "b", 10, 30)},
			replicas: map[string]map[string]string{
				"server-1": {"k": "a"}, "server-2": {"k": "b"}, "server-3": {"k": "b"},
			},
			wantDivergent: []string{"k"},
		},
		{
			name:   "a replica that does not hold a key the others hold",
			writes: []clientserver.Write{acked("k", "a", 0, 10), acked("j", "b", 0, 10)},
			replicas: map[string]map[string]string{
				"server-1": {"k": "a", "j": "b"}, "server-2": {"k": "a"}, "server-3": {"k": "a", "j": "b"},
			},
			wantLost:      []string{"b"},
			wantDivergent: []string{"j"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := clientserver.Check(tt.writes, tt.replicas)
			require.NoError(t, err)
			var lost []string
			for _, l := range v.Lost {
				lost = append(lost, l.Write.Value)
				assert.NotEmpty(t, l.Why, "every lost write says why")
				assert.Contains(t, tt.replicas, l.Replica, "a lost write names a replica")
			}
			assert.Equal(t, tt.wantLost, lost, "lost writes")
			assert.Equal(t, tt.wantDivergent, v.Divergent, "divergent keys")
			assert.Equal(t, len(tt.wantLost) == 0 && len(tt.wantDivergent) == 0, v.OK(), "verdict %s", v)
			assert.Equal(t, len(tt.writes), v.Writes)
			assert.Equal(t, len(tt.writes), v.Acknowledged+v.Failed+v.Unknown, "every write counted once")
		})
	}
}

func TestCheckExplains(t *testing.T) {
	writes := []clientserver.Write{acked("k", "w1-1", 0, 1000), acked("k", "w2-1", 1100, 1110), acked("j", "w1-2", 0, 10)}
	v, err := clientserver.Check(writes, agreed(map[string]string{"k": "w1-1", "j": "w1-2"}))
	require.NoError(t, err)
	assert.Equal(t, "3 writes to 2 keys (3 acknowledged, 0 failed, 0 unknown): 1 acknowledged writes lost, 0 divergent keys", v.String())
	require.Len(t, v.Lost, 1)
	assert.Equal(t, "k=w2-1 [1.1s, 1.11s] ok lost on server-1: the replica ends with k=w1-1 [0s, 1s] ok, which completed before this write was invoked", v.Lost[0].String())
}

func TestCheckRefusesWhatItCannotJudge(t *testing.T) {
	tests := []struct {
		name     string
		writes   []clientserver.Write
		replicas map[string]map[string]string
		want     string
	}{
		{"no replicas", []clientserver.Write{acked("k", "a", 0, 10)}, nil, "no replicas"},
		{"a value written twice", []clientserver.Write{acked("k", "a", 0, 10), acked("j", "a", 20, 30)}, agreed(nil), `value "a" is written twice`},
		{"completed before invoked", []clientserver.Write{acked("k", "a", 10, 5)}, agreed(nil), "completed before it was invoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := clientserver.Check(tt.writes, tt.replicas)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestOutcomeOf(t *testing.T) {
	tests := []struct {
		err  error
		want clientserver.Outcome
	}{
		{nil, clientserver.WriteOK},
		{&wire.RemoteError{From: "server-1", Reason: "put needs a key"}, clientserver.WriteFailed},
		{fmt.Errorf("no server answered: %w", context.DeadlineExceeded), clientserver.WriteUnknown},
		{errors.New("connection reset by peer"), clientserver.WriteUnknown},
		{fmt.Errorf("%w: %w", clientserver.ErrUnknownOutcome, &wire.RemoteError{From: "server-1", Reason: "too few servers"}), clientserver.WriteUnknown},
		{context.Canceled, clientserver.WriteUnknown},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			assert.Equal(t, tt.want, clientserver.OutcomeOf(tt.err))
		})
	}
}

func TestHistoryRecordsConcurrentWrites(t *testing.T) {
	h := clientserver.NewHistory()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for n := range 50 {
				i := h.Invoke("k", fmt.Sprintf("w%d-%d", w, n))
				if n%10 == 9 {
					h.Complete(i, context.DeadlineExceeded)
				} else {
					h.Complete(i, nil)
				}
			}
		})
	}
	open := h.Invoke("k", "never-completed")
	wg.Wait()

	writes := h.Writes()
	require.Len(t, writes, 201)
	for _, w := range writes {
		if w.Value != "never-completed" {
			assert.LessOrEqual(t, w.Invoked, w.Completed, "%s", w)
		}
	}
	assert.Equal(t, clientserver.WriteUnknown, writes[open].Outcome, "a write never completed counts as unknown")
	v, err := clientserver.Check(writes, agreed(map[string]string{"k": "never-completed"}))
	require.NoError(t, err)
	assert.Equal(t, 180, v.Acknowledged)
	assert.Equal(t, 21, v.Unknown)
	assert.True(t, v.OK(), "%s", v)
}
