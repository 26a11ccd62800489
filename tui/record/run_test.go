package record_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
	"dsdemo/tui/record"
)

// at returns a time of the run, d after it started.
func at(d time.Duration) int64 { return start.Add(d).UnixMicro() }

func TestSteps(t *testing.T) {
	w, err := record.Create(t.TempDir(), "clientserver", start)
	require.NoError(t, err)
	title := i18n.Text{DE: "Ausfall", EN: "Crash"}
	steps := []record.Step{
		{Time: at(1 * time.Second), Experiment: "crash", Title: title, Index: -1, Caption: i18n.Text{DE: "Übersicht", EN: "summary"}},
		{Time: at(2 * time.Second), Experiment: "crash", Title: title, Index: 0, Caption: i18n.Text{DE: "eins", EN: "one"}},
		{Time: at(3 * time.Second), Experiment: "crash", Title: title, Index: 1, Caption: i18n.Text{DE: "zwei?", EN: "two?"}},
		{Time: at(4 * time.Second), Experiment: "crash", Title: title, Index: 1, Caption: i18n.Text{DE: "zwei? ▸ [1] a", EN: "two? ▸ [1] a"}, Choices: []string{"a", "b"}},
		{Time: at(5 * time.Second), Experiment: "crash", Title: title, Index: 1, Caption: i18n.Text{EN: "✗ Not a but b."}, Chosen: "a", Actual: "b"},
		{Time: at(6 * time.Second), Experiment: "crash", Title: title, Index: 2, Caption: i18n.Text{DE: "drei", EN: "three"}},
	}
	events := run()
	for i, ev := range events {
		ev.Time = at(time.Duration(i) * time.Second)
		events[i] = ev
		require.NoError(t, w.Write(ev))
		if i < len(steps) {
			require.NoError(t, w.Step(steps[i]))
		}
	}
	require.NoError(t, w.Close())

	got, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	assert.Equal(t, events, got.Events, "steps are not events: a viewer that replays the events never sees them")
	assert.Equal(t, steps, got.Steps)
	assert.Equal(t, record.Cut{}, got.Cut)
	assert.Equal(t, "clientserver", got.Model())
	assert.Equal(t, start, got.Start().UTC())

	t.Run("a step window", func(t *testing.T) {
		cases := []struct {
			first, last int
			from, to    time.Duration // -1: open
			err         string
		}{
			{first: 1, last: 1, from: 2 * time.Second, to: 3 * time.Second},
			{first: 2, last: 2, from: 3 * time.Second, to: 6 * time.Second},
			{first: 2, last: 3, from: 3 * time.Second, to: -1},
			{first: 3, last: 4, err: "steps 3-4: the recording holds steps 1-3 of experiment crash"},
			{first: 0, last: 2, err: "want FIRST-LAST with 1 <= FIRST <= LAST"},
			{first: 3, last: 2, err: "want FIRST-LAST with 1 <= FIRST <= LAST"},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%d-%d", c.first, c.last), func(t *testing.T) {
				from, to, err := got.StepWindow(c.first, c.last)
				if c.err != "" {
					assert.ErrorContains(t, err, c.err)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, start.Add(c.from), from.UTC())
				if c.to < 0 {
					assert.True(t, to.IsZero(), "the last step runs to the end of the recording")
				} else {
					assert.Equal(t, start.Add(c.to), to.UTC())
				}
			})
		}
		_, _, err := record.Run{Events: events}.StepWindow(1, 1)
		assert.ErrorContains(t, err, "the recording holds no experiment steps")

		next := got
		next.Steps = append(slices.Clone(got.Steps), record.Step{Time: at(9 * time.Second), Experiment: "predict", Index: -1})
		_, to, err := next.StepWindow(3, 3)
		require.NoError(t, err)
		assert.Equal(t, start.Add(9*time.Second), to.UTC(), "the next experiment ends the last step")
	})
}

// putEvent is the send of a put of i, about 230 bytes as a line.
func putEvent(i int) trace.Event {
	return trace.Event{V: 1, Kind: trace.KindSend, Node: "client", Seq: uint64(i), Time: at(time.Duration(i) * time.Millisecond), Clock: uint64(i),
		Msg: &trace.Message{From: "client", To: "server", Type: "put", ID: uint64(i), Clock: uint64(i), Body: []byte(fmt.Sprintf(`{"key":"k%d","value":"%d"}`, i, i))}}
}

func TestCut(t *testing.T) {
	const limit = 64 << 10
	p := record.Policy{Runs: 10, Bytes: 1 << 30, RunBytes: limit}
	w, err := p.Create(t.TempDir(), "p2p", start)
	require.NoError(t, err)
	const n = 2000 // about 400 KiB of messages
	for i := 1; i <= n; i++ {
		require.NoError(t, w.Write(putEvent(i)), "a full recording is not the run's error")
		if i == n/2 {
			require.NoError(t, w.Write(trace.Event{V: 1, Kind: trace.KindHello, Node: "peer-9", Time: at(time.Second)}))
			require.NoError(t, w.Step(record.Step{Experiment: "churn", Index: 3, Caption: i18n.Text{EN: "a peer joins"}}))
			require.NoError(t, w.Write(trace.Event{V: 1, Kind: trace.KindLog, Node: "peer-9", Text: "joined"}))
		}
	}
	require.NoError(t, w.Write(trace.Event{V: 1, Kind: trace.KindBye, Node: "client", Text: "done"}))
	require.NoError(t, w.Close())

	info, err := os.Stat(w.Path())
	require.NoError(t, err)
	assert.Less(t, info.Size(), int64(limit+4<<10), "the recording stops near its limit")

	got, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	written := len(got.Events) - 2 // the hello and the bye
	assert.Greater(t, written, 100)
	assert.Less(t, written, n/2)
	assert.NotZero(t, got.Cut.Time, "the recording says where it was cut")
	assert.Equal(t, uint64(n-written+1), got.Cut.Left, "every message and the log after the cut are counted")
	last := got.Events[len(got.Events)-2:]
	assert.Equal(t, []trace.Kind{trace.KindHello, trace.KindBye}, []trace.Kind{last[0].Kind, last[1].Kind},
		"hellos and byes after the cut are kept: they say who took part")
	require.Len(t, got.Steps, 1, "steps after the cut are kept")
	assert.Equal(t, "a peer joins", got.Steps[0].Caption.EN)
}

// touch writes a recording-named file of size bytes.
func touch(t *testing.T, dir, name string, size int) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(strings.Repeat("x", size)), 0o644))
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestRotate(t *testing.T) {
	t.Run("the oldest go first, by the time in their names", func(t *testing.T) {
		dir := t.TempDir()
		touch(t, dir, "p2p-20261122-100000.jsonl", 10)
		touch(t, dir, "clientserver-20261120-090000.jsonl", 10) // the oldest, though listed before
		touch(t, dir, "p2p-20261122-100000-2.jsonl", 10)
		touch(t, dir, "client-server-20261123-080000.jsonl", 10)
		touch(t, dir, "diagram-20261101-000000.svg", 10) // an export: never rotated
		touch(t, dir, "notes.jsonl", 10)                 // not named as a recording
		p := record.Policy{Runs: 3, Bytes: 1 << 20, RunBytes: 1 << 10}
		w, err := p.Create(dir, "proxy", start)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		want := []string{"client-server-20261123-080000.jsonl", "diagram-20261101-000000.svg", "notes.jsonl",
			"p2p-20261122-100000-2.jsonl", "proxy-20261122-224501.jsonl"}
		assert.Equal(t, want, names(t, dir), "three runs are kept, the new one included")
	})

	t.Run("by size", func(t *testing.T) {
		dir := t.TempDir()
		for day := 1; day <= 5; day++ {
			touch(t, dir, fmt.Sprintf("p2p-202611%02d-120000.jsonl", day), 300)
		}
		p := record.Policy{Runs: 100, Bytes: 1000, RunBytes: 200}
		removed, err := p.Rotate(dir)
		require.NoError(t, err)
		assert.Len(t, removed, 3, "two of 300 bytes and a new one of 200 fit into 1000")
		assert.Equal(t, []string{"p2p-20261104-120000.jsonl", "p2p-20261105-120000.jsonl"}, names(t, dir))
	})

	t.Run("never a recording a launcher still writes", func(t *testing.T) {
		dir := t.TempDir()
		p := record.Policy{Runs: 2, Bytes: 1 << 20, RunBytes: 1 << 10}
		running, err := p.Create(dir, "p2p", start.Add(-time.Hour))
		require.NoError(t, err)
		var made []string
		for i := range 3 {
			w, err := p.Create(dir, "clientserver", start.Add(time.Duration(i)*time.Minute))
			require.NoError(t, err)
			made = append(made, filepath.Base(w.Path()))
			require.NoError(t, w.Close())
		}
		assert.FileExists(t, running.Path(), "the oldest, but still being written")
		assert.Equal(t, []string{made[2], filepath.Base(running.Path())}, names(t, dir))

		removed, err := p.Rotate(dir)
		assert.Equal(t, []string{filepath.Join(dir, made[2])}, removed)
		assert.ErrorContains(t, err, "a launcher is writing it")

		require.NoError(t, running.Close())
		p.Runs = 1
		removed, err = p.Rotate(dir)
		require.NoError(t, err)
		assert.Equal(t, []string{running.Path()}, removed, "once closed it can go")
	})

	t.Run("a directory that is not there yet", func(t *testing.T) {
		_, err := record.DefaultPolicy.Rotate(filepath.Join(t.TempDir(), "missing"))
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}

// fakePlayer carries out steps at once; its predictions go to actual.
type fakePlayer struct {
	exp    catalog.Experiment
	next   int
	actual string
}

func (p *fakePlayer) Done() bool { return p.next >= len(p.exp.Steps) }
func (p *fakePlayer) Stop()      {}

func (p *fakePlayer) Next(context.Context) (catalog.Step, error) {
	if p.Done() {
		return catalog.Step{}, errors.New("no more steps")
	}
	p.next++
	return p.exp.Steps[p.next-1], nil
}

func (p *fakePlayer) Predict(_ context.Context, choice string) (launch.Outcome, error) {
	return launch.Outcome{Chosen: choice, Actual: p.actual}, nil
}

func TestNarrator(t *testing.T) {
	exp := catalog.Experiment{ID: "forward", Title: i18n.Text{DE: "Weiterleiten", EN: "Forwarding"},
		Summary: i18n.Text{DE: "Worum es geht", EN: "What it is about"},
		Steps: []catalog.Step{
			{Kind: catalog.StepDo, Caption: i18n.Text{DE: "Ein put", EN: "A put"}},
			{Kind: catalog.StepPredict, Caption: i18n.Text{DE: "Wohin?", EN: "Where to?"}, Choices: []string{"server-1", "server-2"},
				Explain: i18n.Text{DE: "Weil.", EN: "Because."}},
			{Kind: catalog.StepCaption, Caption: i18n.Text{DE: "Ende", EN: "The end"}},
		}}
	w, err := record.Create(t.TempDir(), "clientserver", start)
	require.NoError(t, err)
	n := w.Narrate(exp, &fakePlayer{exp: exp, actual: "server-2"})
	ctx := context.Background()
	for !n.Done() {
		step, err := n.Next(ctx)
		require.NoError(t, err)
		if step.Kind == catalog.StepPredict {
			o, err := n.Predict(ctx, "server-1")
			require.NoError(t, err)
			assert.False(t, o.Right())
		}
	}
	require.NoError(t, w.Close())

	got, err := record.ReadFile(w.Path())
	require.NoError(t, err)
	type seen struct {
		index   int
		caption string
		extra   string
	}
	var lines []seen
	for _, s := range got.Steps {
		assert.Equal(t, "forward", s.Experiment)
		assert.Equal(t, exp.Title, s.Title)
		assert.NotZero(t, s.Time)
		lines = append(lines, seen{s.Index, s.Caption.EN, strings.Join(s.Choices, ",") + s.Chosen + ">" + s.Actual})
	}
	want := []seen{
		{-1, "What it is about", ">"},
		{0, "A put", ">"},
		{1, "Where to?", ">"},
		{1, "Where to? ▸  [1] server-1  [2] server-2", "server-1,server-2>"},
		{1, "Prediction: server-1 … the message goes on.", "server-1>"},
		{1, "✗ Not server-1 but server-2. Because.", "server-1>server-2"},
		{2, "The end", ">"},
	}
	assert.Equal(t, want, lines, "the captions the live view showed, in order")
	assert.Equal(t, "✗ Nicht server-1, sondern server-2. Weil.", got.Steps[5].Caption.DE, "in both languages")
}
