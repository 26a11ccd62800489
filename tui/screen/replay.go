package screen

import (
	"sort"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
	"dsdemo/models/trace"
	"dsdemo/tui/record"
)

// A replay plays a recording in the live view (source.go's recording) and
// adds what the recording knows about its run:
//
//   - the title names the recording and the model that was recorded, and
//     the model's catalogue entry lays out the topology and says which
//     messages are background traffic, as in the live run;
//   - the captions of the recorded experiment come as they came, each when
//     the replay reaches the moment it was shown, in the language of the
//     replay (a recording holds both);
//   - x jumps to the moment the next caption was shown, so a recorded
//     lesson can be gone through caption by caption;
//   - the footer shows only the keys a replay carries out;
//   - a recording that reached its size limit says so from the moment it
//     was cut.

// NewReplay returns the UI showing recorded events, with no home page:
// when the replay ends, the program ends.
func NewReplay(events []trace.Event, opts Options) *Model {
	return ReplayRun("", record.Run{Events: events}, opts)
}

// ReplayRun returns the UI replaying run, the recording in the file named
// name, with no home page: when the replay ends, the program ends.
func ReplayRun(name string, run record.Run, opts Options) *Model {
	m := New(opts)
	m.standalone = true
	model, known := recordedModel(run, opts.Catalog)
	model.Title = replayTitle(name, model.Title, known)
	src := &replay{recording: newRecording(&m.c, run.Events), steps: run.Steps, cut: run.Cut,
		canBackground: len(model.Background) > 0, canExport: opts.Export != nil}
	m.live = newLive(&m.c, opts, src, model)
	return m
}

// recordedModel returns the catalogue entry of the model the programs of
// run said hello from; known is false when there is none.
func recordedModel(run record.Run, models []catalog.Model) (catalog.Model, bool) {
	id := run.Model()
	for _, m := range models {
		if m.ID == id && id != "" {
			return m, true
		}
	}
	return catalog.Model{}, false
}

// replayTitle is the title line's name of a replay: the model, and which
// recording of it plays.
func replayTitle(name string, model i18n.Text, known bool) i18n.Text {
	title := i18n.Text{DE: "Aufzeichnung", EN: "Recording"}
	if name != "" {
		title.DE, title.EN = title.DE+" "+name, title.EN+" "+name
	}
	if known {
		title.DE, title.EN = model.In(i18n.DE)+" · "+title.DE, model.In(i18n.EN)+" · "+title.EN
	}
	return title
}

// replay is a recording played back with its captions.
type replay struct {
	*recording
	steps         []record.Step // in the order shown
	cut           record.Cut
	canBackground bool // the model names background traffic, so b has something to do
	canExport     bool
}

// shown returns the step whose caption the class read at the moment the
// replay has reached.
func (r *replay) shown() (record.Step, bool) {
	n := sort.Search(len(r.steps), func(i int) bool { return r.steps[i].Time > r.clock })
	if n == 0 {
		return record.Step{}, false
	}
	return r.steps[n-1], true
}

// caption is the caption shown at this moment of the replay. A recording
// is a file anyone may hand over, so what it says is shown as text only:
// a control character (an escape sequence that would steer the terminal)
// becomes a space.
func (r *replay) caption() i18n.Text {
	s, _ := r.shown()
	return i18n.Text{DE: printable(s.Caption.DE), EN: printable(s.Caption.EN)}
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// explaining: while a caption explains something, background traffic is
// dimmed, as it was in the live run.
func (r *replay) explaining() bool {
	_, ok := r.shown()
	return ok
}

func (r *replay) badges(c *common) []string {
	out := r.recording.badges(c)
	if s, ok := r.shown(); ok {
		out = append(out, c.t("Experiment: ", "experiment: ")+printable(s.Title.In(c.lang)))
	}
	if r.cut.Time != 0 && r.clock >= r.cut.Time {
		out = append(out, c.theme.Held.Render(c.t("✂ Aufzeichnung ab hier ohne Nachrichten", "✂ recording holds no messages from here")))
	}
	return out
}

// enable leaves the keys of a recording (n, +/-, the view's own), and of
// those b only when the model has background traffic and e only when
// there is somewhere to export to; x when there are captions to jump to.
func (r *replay) enable(keys *liveKeys) {
	r.recording.enable(keys)
	keys.Background.SetEnabled(r.canBackground)
	keys.Export.SetEnabled(r.canExport)
	keys.Next.SetEnabled(len(r.steps) > 0)
	keys.Next.short, keys.Next.long = t("Text", "caption"), t("zum nächsten Text springen", "jump to the next caption")
}

// key: x jumps to the moment the next caption was shown; every other key
// is the recording's.
func (r *replay) key(msg tea.KeyPressMsg, sel selection) (tea.Cmd, bool) {
	if !pressed(msg, r.c.liveKeys.Next) || len(r.steps) == 0 {
		return r.recording.key(msg, sel)
	}
	n := sort.Search(len(r.steps), func(i int) bool { return r.steps[i].Time > r.clock })
	if n == len(r.steps) {
		note := r.c.t("kein weiterer Text in dieser Aufzeichnung", "no further caption in this recording")
		return func() tea.Msg { return doneMsg{text: note} }, true
	}
	return r.jump(r.steps[n].Time), true
}

// Notice shows a line in the status bar, e.g. why a recording ends early.
func (m *Model) Notice(text string) {
	if m.live != nil {
		m.live.update(doneMsg{text: text})
	}
}
