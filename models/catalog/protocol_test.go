package catalog

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
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

func TestProtocolCheck(t *testing.T) {
	type getOK struct {
		Found bool `json:"found"`
	}
	kv := Protocol{Messages: map[string]any{"get_ok": getOK{}}}
	assert.NoError(t, kv.check("get_ok", "found"))
	assert.ErrorContains(t, kv.check("get_ok", "fund"), `no field "fund"`)
	assert.ErrorContains(t, kv.check("got_ok", ""), "not in the demo's Messages")
	assert.ErrorContains(t, kv.check("304", ""), "not in the demo's Messages", "a protocol without HTTP")
	web := Protocol{HTTP: true}
	assert.NoError(t, web.check("201", ""))
	assert.NoError(t, web.check("POST /api/bookings", ""))
	assert.ErrorContains(t, web.check("201", "id"), "no body fields")
	assert.Error(t, web.check("FETCH /x", ""))
}

func TestCheckProtocol(t *testing.T) {
	type getOK struct {
		Found bool `json:"found"`
	}
	m := Model{ID: "kv", Background: []string{"ping"}, Experiments: []Experiment{{ID: "miss", Steps: []Step{
		{Until: Match{Type: "get_ok", Field: "found", Is: "false"}},
		{Until: Match{Type: "get_ok", Field: "fund"}},
	}}}}
	err := m.CheckProtocol(Protocol{Messages: map[string]any{"get_ok": getOK{}}})
	assert.ErrorContains(t, err, `kv: background: message type "ping"`)
	assert.ErrorContains(t, err, `kv: experiment "miss" step 2: the body of get_ok has no field "fund"`)
	assert.NotContains(t, err.Error(), "step 1")
}
