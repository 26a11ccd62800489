package catalog_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/clientserver"
	"dsdemo/mobilecode"
	"dsdemo/models/catalog"
	"dsdemo/ntier"
	"dsdemo/p2p"
)

// protocol is what a model's programs say to each other: the demo's
// Messages (message type to body type), and whether it speaks HTTP too,
// whose replies are named by their status code ("201", "304").
type protocol struct {
	messages map[string]any
	http     bool
}

// protocols names each model's protocol. This test, in the external test
// package, is the one place where models/catalog meets the demos: the
// catalogue itself imports none of them (models/* never imports a demo),
// so it is checked against them here. A new model adds its line.
var protocols = map[string]protocol{
	"clientserver":          {messages: clientserver.Messages},
	"cooperating-partition": {messages: clientserver.Messages},
	"cooperating-replicate": {messages: clientserver.Messages},
	"proxy":                 {http: true},
	"mobilecode":            {messages: mobilecode.Messages},
	"p2p":                   {messages: p2p.Messages},
	"ntier":                 {messages: ntier.Messages, http: true},
}

// TestMessageNamesExist: every message type and body field an experiment
// waits for, and every background type, is one the model's demo has. A
// renamed message or JSON field fails here, not in front of a class.
func TestMessageNamesExist(t *testing.T) {
	for _, m := range catalog.All() {
		t.Run(m.ID, func(t *testing.T) {
			proto, ok := protocols[m.ID]
			if !ok {
				t.Fatalf("model %q has no line in protocols: name the demo's Messages there", m.ID)
			}
			for _, typ := range m.Background {
				assert.NoError(t, proto.check(typ, ""), "Background")
			}
			for _, e := range m.Experiments {
				for i, s := range e.Steps {
					if s.Until.Type == "" && s.Until.Field == "" {
						continue
					}
					assert.NoError(t, proto.check(s.Until.Type, s.Until.Field), "experiment %q step %d", e.ID, i+1)
				}
			}
		})
	}
}

// check reports whether typ is a message type of the protocol and, when
// field is set, a JSON field of its body.
func (p protocol) check(typ, field string) error {
	if p.http && isHTTP(typ) {
		if field != "" {
			return fmt.Errorf("HTTP message %q has no body fields to match (%s)", typ, field)
		}
		return nil
	}
	body, ok := p.messages[typ]
	if !ok {
		return fmt.Errorf("message type %q is not in the demo's Messages", typ)
	}
	if field != "" && !slices.Contains(jsonFields(reflect.TypeOf(body)), field) {
		return fmt.Errorf("the body of %s has no field %q; it has %s", typ, field, strings.Join(jsonFields(reflect.TypeOf(body)), ", "))
	}
	return nil
}

// isHTTP reports whether typ names an HTTP message as httpwire reports it:
// a request by its method and path ("GET /static/a"), a reply by its status
// code ("304"). The path is data (which resource), not a name of the
// protocol, so only its form is checked.
func isHTTP(typ string) bool {
	if code, err := strconv.Atoi(typ); err == nil {
		return http.StatusText(code) != ""
	}
	method, path, ok := strings.Cut(typ, " ")
	known := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}
	return ok && slices.Contains(known, method) && strings.HasPrefix(path, "/")
}

// jsonFields returns the JSON names of a struct type's fields.
func jsonFields(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

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
}

func TestProtocolCheck(t *testing.T) {
	cs := protocols["clientserver"]
	assert.NoError(t, cs.check("get_ok", "found"))
	assert.ErrorContains(t, cs.check("get_ok", "fund"), `no field "fund"`)
	assert.ErrorContains(t, cs.check("got_ok", ""), "not in the demo's Messages")
	assert.ErrorContains(t, cs.check("304", ""), "not in the demo's Messages", "clientserver speaks no HTTP")
	web := protocols["ntier"]
	assert.NoError(t, web.check("201", ""))
	assert.NoError(t, web.check("POST /api/bookings", ""))
	assert.ErrorContains(t, web.check("201", "id"), "no body fields")
	assert.Error(t, web.check("FETCH /x", ""))
}
