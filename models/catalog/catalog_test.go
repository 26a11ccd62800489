package catalog

import (
	"encoding/json"
	"hash/fnv"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/i18n"
	"dsdemo/models/trace"
)

func TestAllIsValid(t *testing.T) {
	require.NoError(t, ValidateAll(All()))
	for _, m := range All() {
		t.Run(m.ID, func(t *testing.T) {
			assert.NoError(t, m.Validate())
		})
	}
}

// TestAddsNamesARole: the role key a adds one more of is a role of the
// model, with a program to copy.
func TestAddsNamesARole(t *testing.T) {
	for _, m := range All() {
		if m.Adds == "" {
			continue
		}
		assert.True(t, slices.ContainsFunc(m.Programs, func(p Program) bool { return p.Role == m.Adds }),
			"%s: Adds %q is the role of none of its programs", m.ID, m.Adds)
	}
}

func TestAllOrderAndByID(t *testing.T) {
	var got []string
	for _, m := range All() {
		got = append(got, m.ID)
	}
	// The lecture's first half, in its order; later models follow.
	want := []string{"clientserver", "cooperating-partition", "cooperating-replicate", "proxy", "mobilecode", "p2p", "ntier"}
	require.GreaterOrEqual(t, len(got), len(want))
	require.Equal(t, want, got[:len(want)], "catalogue order")

	t.Run("places and ids are unique", func(t *testing.T) {
		places, ids := map[int]bool{}, map[string]bool{}
		for _, e := range entries {
			assert.False(t, places[e.place], "two models registered at place %d", e.place)
			places[e.place] = true
			id := e.model().ID
			assert.False(t, ids[id], "two models with id %q", id)
			ids[id] = true
		}
	})

	t.Run("known", func(t *testing.T) {
		m, ok := ByID("cooperating-replicate")
		require.True(t, ok)
		assert.Equal(t, "cooperating-replicate", m.ID)
	})
	t.Run("unknown", func(t *testing.T) {
		_, ok := ByID("nosuchmodel")
		assert.False(t, ok)
	})
}

func TestTransparencies(t *testing.T) {
	all := Transparencies()
	require.Len(t, all, 8, "ISO names eight transparencies")
	for _, tr := range all {
		t.Run(string(tr), func(t *testing.T) {
			assert.NotEmpty(t, tr.Name().DE)
			assert.NotEmpty(t, tr.Name().EN)
			assert.NotEmpty(t, tr.Meaning().DE)
			assert.NotEmpty(t, tr.Meaning().EN)
		})
	}
	assert.Equal(t, i18n.Text{}, Transparency("magic").Name(), "unknown transparency")
}

// The partition experiments (experiments/cooperating-partition/) use the
// keys a, c and g. The servers choose the owner of a key by hash (FNV-1a
// modulo 3) from the sorted list of their addresses, and these three keys
// have the hash remainders 1, 2 and 0: which server owns which key depends
// on the ports, but each server owns exactly one of them. This mirrors how
// clientserver.Server picks an owner.
func TestPartitionKeysHaveOneOwnerEach(t *testing.T) {
	partitionKeys := []string{"a", "c", "g"}
	got := map[uint32]string{}
	for _, key := range partitionKeys {
		h := fnv.New32a()
		h.Write([]byte(key))
		r := h.Sum32() % 3
		require.NotContains(t, got, r, "keys %q and %q have the same owner", got[r], key)
		got[r] = key
	}
	assert.Len(t, got, 3)
}

func TestValidateFindsDefects(t *testing.T) {
	cs := func(t *testing.T) Model {
		m, ok := ByID("clientserver")
		require.True(t, ok)
		return m
	}
	// step replaces step i of the first experiment.
	step := func(i int, s Step) func(*Model) {
		return func(m *Model) {
			if s.Caption == (i18n.Text{}) {
				s.Caption = i18n.Text{DE: "x", EN: "x"}
			}
			m.Experiments[0].Steps[i] = s
		}
	}
	wait := func(match Match) func(*Model) { return step(0, Step{Kind: StepWait, Until: match}) }
	cases := []struct {
		name  string
		spoil func(*Model)
		want  string
	}{
		{"empty id", func(m *Model) { m.ID = "" }, `model id ""`},
		{"bad id", func(m *Model) { m.ID = "Client Server" }, `model id "Client Server"`},
		{"no German title", func(m *Model) { m.Title.DE = "" }, "title has no German text"},
		{"no English summary", func(m *Model) { m.Summary.EN = "" }, "summary has no English text"},
		{"no roles", func(m *Model) { m.Roles = nil }, "has no roles"},
		{"role twice", func(m *Model) { m.Roles = append(m.Roles, m.Roles[0]) }, `role "server" is listed twice`},
		{"role without text", func(m *Model) { m.Roles[1].Does.DE = "" }, `role "client" has no German text`},
		{"node twice", func(m *Model) { m.Programs[1].Node = "server" }, `node "server" is listed twice`},
		{"bad node name", func(m *Model) { m.Programs[1].Node = "client 1" }, `node name "client 1"`},
		{"unknown role", func(m *Model) { m.Programs[0].Role = "broker" }, `role "broker", which is not among`},
		{"no binary", func(m *Model) { m.Programs[0].Binary = "" }, `node "server" has no binary`},
		{"binary that does not exist", func(m *Model) { m.Programs[0].Binary = "sever" },
			`node "server" runs binary "sever", which is not among the programs`},
		{"unknown listen mode", func(m *Model) { m.Programs[0].Listen = "sometimes" }, `unknown listen mode "sometimes"`},
		{"only Later programs", func(m *Model) {
			for i := range m.Programs {
				m.Programs[i].Later = true
			}
		}, "no program that starts with the model"},
		{"unknown placeholder", func(m *Model) { m.Programs[1].Args[1] = "{port:server}" }, "unknown placeholder {port:server}"},
		{"unclosed placeholder", func(m *Model) { m.Programs[1].Args[1] = "{addr:server" }, "a { without its }"},
		{"placeholder names no node", func(m *Model) { m.Programs[1].Args[1] = "{addr:server-9}" }, "{addr:server-9} names no node"},
		{"placeholder names a client", func(m *Model) { m.Programs[1].Args[1] = "{addr:client-2}" }, "{addr:client-2} names a node that serves nobody"},
		{"needs a Later program", func(m *Model) {
			m.Programs[2].Listen = ListenAny
			m.Programs[1].Args[1] = "{addr:client-2}"
		}, "names a node only an experiment starts"},
		{"unknown layout", func(m *Model) { m.Layout = "spiral" }, `unknown layout "spiral"`},
		{"unknown transparency", func(m *Model) { m.Shows[0].Transparency = "magic" }, `unknown transparency "magic"`},
		{"transparency twice", func(m *Model) { m.Shows[1].Transparency = m.Shows[0].Transparency }, "is listed twice"},
		{"transparency without how", func(m *Model) { m.Shows[0].How.EN = "" }, `transparency "access" has no English text`},
		{"one experiment", func(m *Model) { m.Experiments = m.Experiments[:1] }, "has 1 experiments, want at least 2"},
		{"experiment id twice", func(m *Model) { m.Experiments[1].ID = m.Experiments[0].ID }, `experiment id "first-request" is used twice`},
		{"experiment without title", func(m *Model) { m.Experiments[0].Title.DE = "" }, `experiment "first-request" title has no German text`},
		{"experiment without steps", func(m *Model) { m.Experiments[0].Steps = nil }, "has no steps"},
		{"step without caption", func(m *Model) { m.Experiments[0].Steps[1].Caption.EN = "" }, "step 2 (do) caption has no English text"},
		{"unknown step kind", step(0, Step{Kind: "dance"}), "step 1 (dance): unknown step kind"},
		{"step on unknown node", step(0, Step{Kind: StepKill, Node: "server-9"}), `no node "server-9" in the model`},
		{"do without command", step(0, Step{Kind: StepDo, Node: "client-1"}), "no command"},
		{"do on a Later node not started", step(0, Step{Kind: StepDo, Node: "client-2", Cmd: "get a"}), `node "client-2" is not started here`},
		{"thaw without freeze", step(0, Step{Kind: StepThaw, Node: "server"}), `node "server" is running here`},
		{"start a node that runs", step(0, Step{Kind: StepStart, Node: "server"}), "starts with the model"},
		{"do on a killed node", func(m *Model) {
			m.Experiments[0].Steps[0] = Step{Kind: StepKill, Node: "client-1", Caption: i18n.Text{DE: "x", EN: "x"}}
		}, `step 2 (do): node "client-1" is killed here`},
		{"partition without peers", step(0, Step{Kind: StepPartition, Node: "server"}), "no peers"},
		{"partition from itself", step(0, Step{Kind: StepPartition, Node: "server", Peers: []string{"server"}}), "cut off from itself"},
		{"partition from unknown node", step(0, Step{Kind: StepPartition, Node: "server", Peers: []string{"server-9"}}), `no node "server-9"`},
		{"fault that is no fault", step(0, Step{Kind: StepFault, Fault: trace.Control{Op: trace.OpRelease, All: true}}), `fault "release"`},
		{"fault out of range", step(0, Step{Kind: StepFault, Fault: trace.Control{Op: trace.OpDrop, P: 2}}), "probability 2 is not between 0 and 1"},
		{"wait for no kind", wait(Match{Node: "server"}), "event of no kind"},
		{"wait for unknown kind", wait(Match{Kind: "sneeze"}), `unknown kind "sneeze"`},
		{"wait for unknown node", wait(Match{Kind: trace.KindRecv, Node: "server-9"}), `node "server-9", which is not in the model`},
		{"wait for unknown sender", wait(Match{Kind: trace.KindRecv, From: "server-9"}), `node "server-9", which is not in the model`},
		{"wait with a field of another kind", wait(Match{Kind: trace.KindRecv, Key: "keys"}), "a recv event has no state key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := cs(t)
			tc.spoil(&m)
			err := m.Validate()
			require.Error(t, err, "got no error, want one containing %q", tc.want)
			assert.Contains(t, err.Error(), tc.want)
			// The catalogue itself must stay intact: every case breaks its own copy.
			assert.NoError(t, cs(t).Validate(), "a broken copy changed the catalogue")
		})
	}

	t.Run("model id twice", func(t *testing.T) {
		m := cs(t)
		err := ValidateAll([]Model{m, m})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `model id "clientserver" is used twice`)
	})
}

func TestMatch(t *testing.T) {
	body := json.RawMessage(`{"key":"a","found":false,"server":"server"}`)
	recv := trace.Event{Kind: trace.KindRecv, Node: "client-1",
		Msg: &trace.Message{From: "server", To: "client-1", Type: "get_ok", Body: body}}
	state := trace.Event{Kind: trace.KindState, Node: "server", Key: "keys", Value: "3"}
	log := trace.Event{Kind: trace.KindLog, Node: "client-1", Text: "server-1 did not answer; failing over to server-2"}
	for _, tc := range []struct {
		name  string
		match Match
		event trace.Event
		want  bool
	}{
		{"kind only", Match{Kind: trace.KindRecv}, recv, true},
		{"other kind", Match{Kind: trace.KindSend}, recv, false},
		{"node, type and sender", Match{Kind: trace.KindRecv, Node: "client-1", Type: "get_ok", From: "server"}, recv, true},
		{"other node", Match{Kind: trace.KindRecv, Node: "client-2"}, recv, false},
		{"other type", Match{Kind: trace.KindRecv, Type: "put_ok"}, recv, false},
		{"bool field", Match{Kind: trace.KindRecv, Field: "found", Is: "false"}, recv, true},
		{"bool field, other value", Match{Kind: trace.KindRecv, Field: "found", Is: "true"}, recv, false},
		{"string field", Match{Kind: trace.KindRecv, Field: "server", Is: "server"}, recv, true},
		{"string field, other value", Match{Kind: trace.KindRecv, Field: "server", Is: "server-2"}, recv, false},
		{"the text, not a substring of it", Match{Kind: trace.KindRecv, Field: "server", Is: "serv"}, recv, false},
		{"a field left out is empty", Match{Kind: trace.KindRecv, Field: "value", Is: ""}, recv, true},
		{"a field left out has no value", Match{Kind: trace.KindRecv, Field: "value", Is: "1"}, recv, false},
		{"a body that is no object", Match{Kind: trace.KindRecv, Field: "found", Is: "false"},
			trace.Event{Kind: trace.KindRecv, Msg: &trace.Message{Type: "x", Body: json.RawMessage(`"found":false`)}}, false},
		{"message field on an event without message", Match{Kind: trace.KindState, Type: "get_ok"}, state, false},
		{"fault", Match{Kind: trace.KindRecv, Fault: "drop"}, recv, false},
		{"state key and value", Match{Kind: trace.KindState, Key: "keys", Value: "3"}, state, true},
		{"state other value", Match{Kind: trace.KindState, Key: "keys", Value: "4"}, state, false},
		{"log text", Match{Kind: trace.KindLog, Text: "failing over"}, log, true},
		{"log other text", Match{Kind: trace.KindLog, Text: "crashed"}, log, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.match.Matches(tc.event)
			assert.Equal(t, tc.want, got, "got %v, want %v", got, tc.want)
		})
	}
}
