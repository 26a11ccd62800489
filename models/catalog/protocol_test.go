package catalog

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONFields(t *testing.T) {
	type body struct {
		Key    string `json:"key"`
		Value  string `json:"value,omitempty"`
		Plain  int
		Hidden string `json:"-"`
		secret string
	}
	_ = body{}.secret
	assert.Equal(t, []string{"key", "value", "Plain"}, jsonFields(reflect.TypeOf(body{})))
	assert.Nil(t, jsonFields(reflect.TypeOf("")), "a body that is no struct has no fields")
}

// TestVocabularyOfProtocol: a Go table becomes names, each body's JSON
// fields sorted, a body that is no struct without fields.
func TestVocabularyOfProtocol(t *testing.T) {
	type put struct {
		Value string `json:"value"`
		Key   string `json:"key"`
	}
	v := Protocol{Messages: map[string]any{"put": put{}, "304": ""}, HTTP: true}.Vocabulary()
	assert.Equal(t, Vocabulary{HTTP: true, Messages: map[string][]string{"put": {"key", "value"}, "304": {}}}, v)
}

// TestVocabularyFileRoundTrip: what Marshal writes, ParseVocabulary reads
// back as it was, a status code as a type included; a key the format does
// not have is refused with its line.
func TestVocabularyFileRoundTrip(t *testing.T) {
	v := Vocabulary{HTTP: true, Messages: map[string][]string{"get_ok": {"found", "key"}, "304": {}, "ping": {}}}
	text := v.Marshal("kv", "go test ./kv/ -run Catalogue -update-protocol")
	assert.Contains(t, string(text), "#   go test ./kv/ -run Catalogue -update-protocol\n")
	assert.Contains(t, string(text), "  get_ok: [found, key]\n")
	got, err := ParseVocabulary("protocol.yaml", text)
	require.NoError(t, err, "%s", text)
	assert.Equal(t, v, got)

	_, err = ParseVocabulary("protocol.yaml", []byte("http: false\nmesages: {}\n"))
	assert.ErrorContains(t, err, "protocol.yaml: yaml: unmarshal errors:\n  line 2: field mesages not found")
}

// TestEveryModelHasAProtocolFile: each model of the catalogue has a
// protocol file that parses (so dsdemo experiments --check checks an
// instructor's waits), and each file belongs to a model. The demo's
// own test (catalogtest.SpeaksProtocol) checks what the file says.
func TestEveryModelHasAProtocolFile(t *testing.T) {
	vocabularies, err := builtinVocabularies()
	require.NoError(t, err)
	var ids []string
	for _, m := range All() {
		ids = append(ids, m.ID)
		assert.True(t, m.Vocabulary.known(), "model %s has no %s", m.ID, ProtocolPath(m.ID))
		_, err := os.Stat(filepath.Join("experiments", m.ID, ProtocolFile))
		assert.NoError(t, err, "the file ProtocolPath names exists from the module's root")
		assert.Equal(t, filepath.Join("models", "catalog", "experiments", m.ID, ProtocolFile), ProtocolPath(m.ID))
	}
	for id := range vocabularies {
		assert.True(t, slices.Contains(ids, id), "%s belongs to no model of the catalogue", ProtocolPath(id))
	}
}

// TestVocabularyIsACopy: a caller that changes its copy of the catalogue
// does not change the next one's.
func TestVocabularyIsACopy(t *testing.T) {
	m, ok := ByID("clientserver")
	require.True(t, ok)
	m.Vocabulary.Messages["get_ok"][0] = "changed"
	delete(m.Vocabulary.Messages, "put")
	again, _ := ByID("clientserver")
	assert.NotEqual(t, "changed", again.Vocabulary.Messages["get_ok"][0])
	assert.Contains(t, again.Vocabulary.Messages, "put")
}

func TestProtocolCheck(t *testing.T) {
	kv := Protocol{Messages: map[string]any{"get_ok": getOK{}, "ping": struct{}{}}}.Vocabulary()
	assert.NoError(t, kv.check("get_ok", "found"))
	assert.ErrorContains(t, kv.check("get_ok", "fund"), `the body of get_ok has no field "fund"; it has found`)
	assert.ErrorContains(t, kv.check("ping", "n"), `the body of ping has no field "n"; it has none`)
	assert.ErrorContains(t, kv.check("got_ok", ""), "not in the demo's Messages")
	assert.ErrorContains(t, kv.check("304", ""), "not in the demo's Messages", "a protocol without HTTP")
	web := Vocabulary{HTTP: true}
	assert.NoError(t, web.check("201", ""))
	assert.NoError(t, web.check("POST /api/bookings", ""))
	assert.ErrorContains(t, web.check("201", "id"), "no body fields")
	assert.Error(t, web.check("FETCH /x", ""))
}

func TestCheckProtocol(t *testing.T) {
	m := Model{ID: "kv", Background: []string{"ping"}, Experiments: []Experiment{{ID: "miss", Steps: []Step{
		{Until: Match{Type: "get_ok", Field: "found", Is: "false"}},
		{Until: Match{Type: "get_ok", Field: "fund"}},
	}}}}
	m.Vocabulary = Protocol{Messages: map[string]any{"get_ok": getOK{}}}.Vocabulary()
	err := m.CheckProtocol()
	assert.ErrorContains(t, err, `kv: background: message type "ping"`)
	assert.ErrorContains(t, err, `kv: experiment "miss" step 2: the body of get_ok has no field "fund"`)
	assert.NotContains(t, err.Error(), "step 1")
}

// TestOwnExperimentWithoutProtocolFile: a model without a protocol file
// has its experiments checked for all but their messages, rather than
// refused for every wait.
func TestOwnExperimentWithoutProtocolFile(t *testing.T) {
	models := All()
	i := slices.IndexFunc(models, func(m Model) bool { return m.ID == "clientserver" })
	require.GreaterOrEqual(t, i, 0)
	models[i].Vocabulary = Vocabulary{}
	file := filepath.Join(t.TempDir(), "mine.yaml")
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(good, "type: get_ok", "type: got_ok", 1)), 0o644))
	_, _, err := CheckFile(file, models)
	assert.NoError(t, err)
	_, _, err = CheckFile(file, All())
	assert.ErrorContains(t, err, `message type "got_ok" is not in the demo's Messages`, "with its protocol file")
}
