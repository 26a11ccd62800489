// Package classroom lets a whole class watch the instructor's run, each
// student on a screen of their own, and answer its questions there.
//
//	instructor: dsdemo serve --ssh :2222
//	┌ live view ────────────┐  Show(scene)  ┌ Hub ─────────────┐  scenes  ssh -p 2222 host
//	│ caption + bar chart   │ ────────────▶ │ the run so far   │ ───────▶ viewer 1 (80×24, de)
//	│ [1] ███ 12  [2] █ 3   │ ◀──────────── │ answers by       │ ───────▶ viewer 2 (120×40, en)
//	└───────────────────────┘   Answers     │ question, viewer │ ◀─────── "2" (an answer)
//	                                        └──────────────────┘
//
// The Hub sits between the instructor's live view (package screen, which
// calls Show on every frame) and the viewers. It keeps the run so far, so
// a student who connects late, or whose connection fell behind, starts
// from a scene with all of it (a reset), and it counts the answers. A
// viewer is a live view of its own over SSH (Server, ssh.go): its own
// size, language and theme, its own selected node, scrolled log and
// inspector; but no key of it reaches the run. Only a digit while a
// question is asked goes back, as its answer.
//
// Nothing a viewer does can slow the instructor down: every viewer has a
// bounded queue of scenes, and one that is full loses scenes until it has
// room again, when it gets a reset.
package classroom

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/history"
	"dsdemo/tui/screen"
)

// queue is how many scenes wait for a viewer: ten seconds of frames.
const queue = 100

// Hub is the class of one instructor. The zero value is not usable; use
// NewHub.
type Hub struct {
	mu      sync.Mutex        // guards everything below
	last    screen.ClassScene // the latest scene, without its events
	run     []trace.Event     // the events of the run so far, at most history.DefaultCapacity
	viewers map[*viewer]bool  // connected now
	asked   string            // the id of the question being asked; "" when none
	asks    []*question       // the questions not yet judged, oldest first, at most keepQuestions
	closed  bool
	join    string                  // how students join, for Status
	shared  map[viewKey]*sharedView // the frames of the viewers who only watch
}

// question is a question to the class and its answers so far.
type question struct {
	screen.ClassQuestion
	answers map[string]int // viewer to the index of their choice
}

// keepQuestions is how many questions wait for their verdict at most: one
// the instructor let go without an answer is never judged.
const keepQuestions = 8

// viewer is one student's subscription.
type viewer struct {
	name   string
	scenes chan screen.ClassScene
	behind bool // a scene was lost: the next one the viewer gets is a reset
}

// NewHub returns an empty class.
func NewHub() *Hub {
	return &Hub{viewers: map[*viewer]bool{}, shared: map[viewKey]*sharedView{}}
}

// Show takes a scene of the instructor's live view and passes it on to
// every viewer. It never blocks.
func (h *Hub) Show(s screen.ClassScene) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if !s.Running || s.Run != h.last.Run {
		h.run = nil
	}
	h.run = append(h.run, s.Events...)
	if over := len(h.run) - history.DefaultCapacity; over > 0 {
		h.run = slices.Clone(h.run[over:])
	}
	h.last = s
	h.last.Events = nil
	h.asked = ""
	if q := s.Question; q != nil {
		h.asked = q.ID
		if h.question(q.ID) == nil {
			h.asks = append(h.asks, &question{ClassQuestion: *q, answers: map[string]int{}})
			if len(h.asks) > keepQuestions {
				h.asks = h.asks[1:]
			}
		}
	}
	for _, sv := range h.shared {
		sv.add(s, h.resetLocked)
	}
	for v := range h.viewers {
		out := s
		if v.behind {
			out = h.resetLocked()
		}
		select {
		case v.scenes <- out:
			v.behind = false
		default:
			v.behind = true
		}
	}
}

// resetLocked is a scene with the whole run so far. Its events are never
// changed afterwards: Show appends to h.run, or replaces it, but never
// writes into what a reset handed out.
func (h *Hub) resetLocked() screen.ClassScene {
	s := h.last
	s.Reset = true
	s.Events = h.run[:len(h.run):len(h.run)]
	return s
}

// Subscribe adds a viewer named name (unique in the class) and returns
// what it watches; cancel removes it and closes its scenes. The first
// scene is a reset: the run so far.
func (h *Hub) Subscribe(name string) (v screen.Viewer, cancel func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sub := &viewer{name: name, scenes: make(chan screen.ClassScene, queue)}
	if h.closed {
		close(sub.scenes)
	} else {
		sub.scenes <- h.resetLocked()
		h.viewers[sub] = true
	}
	var once sync.Once
	cancel = func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.viewers[sub] {
				delete(h.viewers, sub)
				close(sub.scenes)
			}
		})
	}
	answer := func(q string, i int) { h.answer(name, q, i) }
	return screen.Viewer{Scenes: sub.scenes, Answer: answer}, cancel
}

// Status says how to join the class and how many watch.
func (h *Hub) Status(lang string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return i18n.Text{
		DE: fmt.Sprintf("Klasse: %s · %d sehen zu", h.join, h.watchingLocked()),
		EN: fmt.Sprintf("class: %s · %d watching", h.join, h.watchingLocked()),
	}.In(lang)
}

// SetJoin sets how students join, as the instructor's Status shows it:
// "ssh -p 2222 192.0.2.7, password tulip-42".
func (h *Hub) SetJoin(how string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.join = how
}

// Watching is how many viewers watch now.
func (h *Hub) Watching() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.watchingLocked()
}

func (h *Hub) watchingLocked() int {
	n := len(h.viewers)
	for _, sv := range h.shared {
		n += sv.users
	}
	return n
}

// ended reports whether the class has ended.
func (h *Hub) ended() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// asking is the question being asked; nil when none.
func (h *Hub) asking() *screen.ClassQuestion {
	h.mu.Lock()
	defer h.mu.Unlock()
	if q := h.question(h.asked); q != nil && h.asked != "" {
		return &q.ClassQuestion
	}
	return nil
}

// question returns the question with id q not yet judged; nil if none.
func (h *Hub) question(q string) *question {
	for _, a := range h.asks {
		if a.ID == q {
			return a
		}
	}
	return nil
}

// answer records viewer's choice i for question q, if q is being asked
// and i is one of its choices; a later answer replaces an earlier one.
func (h *Hub) answer(viewer, q string, i int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.question(q)
	if h.asked != q || a == nil || i < 0 || i >= len(a.Choices) {
		return
	}
	a.answers[viewer] = i
}

// Answers counts the answers to question q, one count per choice.
func (h *Hub) Answers(q string) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.question(q)
	if a == nil {
		return nil
	}
	counts := make([]int, len(a.Choices))
	for _, i := range a.answers {
		counts[i]++
	}
	return counts
}

// Judge closes question q, whose message went to actual, and returns the
// answers to it as trace.KindAnswer events, ordered by viewer. A question
// already judged, or never asked, has none.
func (h *Hub) Judge(q, actual string) []trace.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.question(q)
	if a == nil {
		return nil
	}
	h.asks = slices.DeleteFunc(h.asks, func(b *question) bool { return b == a })
	now := time.Now().UnixMicro()
	var out []trace.Event
	for _, name := range slices.Sorted(maps.Keys(a.answers)) {
		out = append(out, trace.Event{V: trace.Version, Kind: trace.KindAnswer, Node: name, Time: now,
			Key: q, Value: a.Choices[a.answers[name]], Text: actual})
	}
	return out
}

// Close ends the class: every viewer's scenes close, and so their views.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for v := range h.viewers {
		close(v.scenes)
	}
	clear(h.viewers)
}
