package screen

import (
	"slices"

	"dsdemo/models/catalog"
	"dsdemo/tui/history"
)

// Background traffic is what the programs send on their own to keep the
// system up (a ring's stabilise, notify and ping, a replica's sync, a
// heartbeat), as opposed to what a client asked for. In a ring of seven
// peers it is a hundred messages a second, and it buries the one lookup
// the class is to follow; the b key dims it, hides it or shows it like the
// rest, and while an experiment explains something it is dimmed unless the
// user chose otherwise.
//
// Which message types are background is the model's to say, not the
// screen's (catalog.Model.Background); a reply to a background request is
// background too, so a model names only the requests.

// bgMode is how background traffic is drawn.
type bgMode int

const (
	bgAuto bgMode = iota // dimmed while an experiment explains something, else shown
	bgDim                // drawn faint, and after the rest on the topology
	bgHide               // not drawn at all
	bgShow               // drawn like the rest
)

// next is the mode the b key turns mode (as in force) into.
func (m bgMode) next() bgMode {
	switch m {
	case bgDim:
		return bgHide
	case bgHide:
		return bgShow
	}
	return bgDim
}

// words names the mode for the status bar.
func (m bgMode) words(c *common) string {
	switch m {
	case bgDim:
		return c.t("Hintergrundverkehr gedimmt", "background traffic dimmed")
	case bgHide:
		return c.t("Hintergrundverkehr ausgeblendet", "background traffic hidden")
	}
	return c.t("Hintergrundverkehr sichtbar", "background traffic shown")
}

// backgroundOf returns what tells background messages of model m from the
// rest; nil when nothing is background.
func backgroundOf(m catalog.Model) func(msgType string) bool {
	if len(m.Background) == 0 {
		return nil
	}
	return func(typ string) bool { return slices.Contains(m.Background, typ) }
}

// markBackground notes the background requests among the scene's arrows,
// so their replies are known as background too.
func (sc *scene) markBackground() {
	if sc.isBackground == nil {
		return
	}
	sc.bgRequests = map[requestKey]bool{}
	for i := range sc.arrows {
		if a := &sc.arrows[i]; a.ReplyTo == 0 && sc.isBackground(a.Type) {
			sc.bgRequests[requestKey{a.From, a.ID}] = true
		}
	}
}

// requestKey names a request: its sender and its id.
type requestKey struct {
	from string
	id   uint64
}

// background reports whether a is background traffic.
func (sc *scene) background(a *history.Arrow) bool {
	if sc.isBackground == nil {
		return false
	}
	if a.ReplyTo != 0 && sc.bgRequests[requestKey{a.To, a.ReplyTo}] {
		return true
	}
	return sc.isBackground(a.Type)
}
