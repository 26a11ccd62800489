package screen

import (
	"slices"

	"dsdemo/models/catalog"
	"dsdemo/tui/history"
)

// Background traffic is what the programs send on their own to keep the
// system up (history/background.go says what it is and decides which
// messages are); the b key dims it, hides it or shows it like the rest,
// and while an experiment explains something it is dimmed unless the user
// chose otherwise.

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
	sc.bgRequests = history.BackgroundRequests(sc.arrows, sc.isBackground)
}

// requestKey names a request: its sender and its id.
type requestKey = history.RequestKey

// background reports whether a is background traffic.
func (sc *scene) background(a *history.Arrow) bool {
	return history.IsBackground(a, sc.isBackground, sc.bgRequests)
}
