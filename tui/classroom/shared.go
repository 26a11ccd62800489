package classroom

import (
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"dsdemo/tui/screen"
)

// Shared frames: most students only watch. Every viewer who has pressed
// no key but a digit sees what every other such viewer of the same
// terminal size, language and theme sees, except for one line, their
// answer. So the hub draws that frame once per redraw for all of them (a
// sharedView), and each viewer only puts their own line in it. A viewer
// who presses another key (selects a node, scrolls, opens the inspector)
// gets a live view of their own from then on.
//
//	scenes ──▶ sharedView{80×24 de default} ──frame──▶ viewers 1, 4, 9, …  (+ their answer line)
//	       ──▶ sharedView{120×40 en default} ─frame──▶ viewers 2, 3, …
//	       ──▶ own live view ──────────────────────▶ viewer 5 (pressed tab)

// redraw is how often a shared frame is drawn again: the live view's pace.
const redraw = 100 * time.Millisecond

// viewKey is what makes two untouched viewers' screens equal.
type viewKey struct {
	width, height int
	lang, theme   string
}

// sharedView is the UI all untouched viewers of one key look at.
type sharedView struct {
	k       viewKey
	mu      sync.Mutex          // guards everything below; taken after the hub's mu, never before
	ui      *screen.Model       // a viewer's UI that nobody types into
	pending []screen.ClassScene // scenes not yet taken by ui, at most queue
	last    screen.ClassScene   // the last scene ui took
	frame   string
	drawn   int64 // the redraw slot frame was drawn for
	users   int   // guarded by the hub's mu
}

func newSharedView(k viewKey, reset screen.ClassScene) *sharedView {
	ui := screen.Watch(screen.Options{Lang: k.lang, Theme: k.theme}, screen.Viewer{})
	ui.Update(tea.WindowSizeMsg{Width: k.width, Height: k.height})
	return &sharedView{k: k, ui: ui, pending: []screen.ClassScene{reset}, drawn: -1}
}

func (sv *sharedView) key() viewKey { return sv.k }

// add queues a scene; when too many wait, reset (the run so far) replaces
// them all. The hub holds its mu.
func (sv *sharedView) add(s screen.ClassScene, reset func() screen.ClassScene) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if len(sv.pending) >= queue {
		sv.pending = []screen.ClassScene{reset()}
		return
	}
	sv.pending = append(sv.pending, s)
}

// draw returns the frame of now's redraw slot, drawing it if no viewer
// has yet, and the scene it shows.
func (sv *sharedView) draw(now time.Time) (string, screen.ClassScene) {
	slot := now.UnixNano() / int64(redraw)
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if slot != sv.drawn {
		for _, s := range sv.pending {
			sv.ui.Take(s)
			sv.last = s
		}
		sv.pending = sv.pending[:0]
		sv.frame, sv.drawn = sv.ui.Frame(time.Unix(0, slot*int64(redraw))), slot
	}
	return sv.frame, sv.last
}

// share gives a viewer the shared view of k, made if there is none.
func (h *Hub) share(k viewKey) *sharedView {
	h.mu.Lock()
	defer h.mu.Unlock()
	sv := h.shared[k]
	if sv == nil {
		sv = newSharedView(k, h.resetLocked())
		h.shared[k] = sv
	}
	sv.users++
	return sv
}

// unshare is a viewer leaving the shared view of k.
func (h *Hub) unshare(k viewKey, sv *sharedView) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if sv.users--; sv.users <= 0 && h.shared[k] == sv {
		delete(h.shared, k)
	}
}

// withOwnLine puts line in frame in place of shared, the line the shared
// frame has there, keeping the frame's layout: it reports false when the
// frame does not have shared whole on one line (wrapped on a narrow
// screen) or has no room for line after it.
func withOwnLine(frame, shared, line string) (string, bool) {
	if shared == line {
		return frame, true
	}
	i := strings.Index(frame, shared)
	if shared == "" || i < 0 {
		return frame, false
	}
	rest := frame[i+len(shared):]
	room := lipgloss.Width(shared) + len(rest) - len(strings.TrimLeft(rest, " "))
	w := lipgloss.Width(line)
	if w > room {
		return frame, false
	}
	spaces := len(rest) - len(strings.TrimLeft(rest, " "))
	return frame[:i] + line + strings.Repeat(" ", room-w) + rest[spaces:], true
}
