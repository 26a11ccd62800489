package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Protocol is what a model's programs say to each other, as a demo
// writes it in Go: its Messages table (message type to body type, from
// its messages.go), and whether its programs speak HTTP too, whose
// messages are named by method and path ("GET /static/a") and whose
// replies by status code ("304").
//
// The catalogue imports no demo, and neither does the launcher, so the
// catalogue keeps each model's protocol by name only, in a file beside
// its experiments: experiments/MODEL/protocol.yaml (see Vocabulary). The
// demo's own test keeps that file true to its Go table and checks the
// model's experiments against it, in one call (models/catalog/catalogtest):
//
//	func TestCatalogueSpeaksOurProtocol(t *testing.T) {
//		catalogtest.SpeaksProtocol(t, catalog.Protocol{Messages: Messages}, "clientserver")
//	}
//
// A renamed message type or JSON field then fails that test, not a lesson.
type Protocol struct {
	Messages map[string]any
	HTTP     bool
}

// Vocabulary is a protocol by its names only: each message type with the
// JSON names of its body's fields, in order, and whether the programs
// speak HTTP too. It is what a model's protocol file holds,
//
//	http: false
//	messages:
//	  get: [key]
//	  get_ok: [found, key, value]
//
// and what an experiment's waits are checked against (Model.Vocabulary),
// the built-in ones by the demo's test, an instructor's own by dsdemo
// experiments --check and by the launcher.
type Vocabulary struct {
	HTTP     bool                `yaml:"http"`
	Messages map[string][]string `yaml:"messages"`
}

// ProtocolFile is the name of a model's protocol file in its folder of
// experiments.
const ProtocolFile = "protocol.yaml"

// ProtocolPath is where the protocol file of the model id is, from the
// module's root: models/catalog/experiments/ID/protocol.yaml.
func ProtocolPath(id string) string {
	return filepath.Join(filepath.FromSlash(builtinDir), "experiments", id, ProtocolFile)
}

// Vocabulary is p by its names: each message type with its body's JSON
// field names, sorted; a body that is no struct has none.
func (p Protocol) Vocabulary() Vocabulary {
	v := Vocabulary{HTTP: p.HTTP, Messages: make(map[string][]string, len(p.Messages))}
	for typ, body := range p.Messages {
		fields := jsonFields(reflect.TypeOf(body))
		slices.Sort(fields)
		v.Messages[typ] = append([]string{}, fields...)
	}
	return v
}

// known reports whether v is a protocol at all: a model whose folder has
// no protocol file has the zero Vocabulary, and is not checked.
func (v Vocabulary) known() bool { return v.HTTP || v.Messages != nil }

// clone returns a copy of v that shares no map or slice with it.
func (v Vocabulary) clone() Vocabulary {
	v.Messages = maps.Clone(v.Messages)
	for typ, fields := range v.Messages {
		v.Messages[typ] = slices.Clone(fields)
	}
	return v
}

// Marshal returns v as the text of the protocol file of the model id,
// with a comment that says where it comes from and how to write it anew.
func (v Vocabulary) Marshal(id, regenerate string) []byte {
	messages := &yaml.Node{Kind: yaml.MappingNode}
	for _, typ := range slices.Sorted(maps.Keys(v.Messages)) {
		fields := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, f := range v.Messages[typ] {
			fields.Content = append(fields.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f})
		}
		messages.Content = append(messages.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: typ}, fields)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "http", HeadComment: fmt.Sprintf(
			"# What the programs of the model %s send: each message type with the\n"+
				"# JSON fields of its body. Written from the demo's Messages table by\n"+
				"#   %s\n"+
				"# and checked against it by the same test; do not edit by hand.", id, regenerate)},
		{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.HTTP)},
		{Kind: yaml.ScalarNode, Value: "messages"},
		messages,
	}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		panic(err) // a tree of strings always encodes
	}
	return b.Bytes()
}

// ParseVocabulary reads a protocol file. The file is written by a test,
// not by hand, so an unknown key is a mistake, named with its line.
func ParseVocabulary(file string, data []byte) (Vocabulary, error) {
	var v Vocabulary
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&v); err != nil {
		return Vocabulary{}, fmt.Errorf("protocol file %s: %w", file, err)
	}
	if v.Messages == nil {
		v.Messages = map[string][]string{}
	}
	return v, nil
}

// CheckProtocol reports every message type and body field that the
// model's experiments wait for, or that it names as background, and that
// its Vocabulary does not have.
func (m Model) CheckProtocol() error {
	var errs []error
	for _, typ := range m.Background {
		if err := m.Vocabulary.check(typ, ""); err != nil {
			errs = append(errs, fmt.Errorf("%s: background: %w", m.ID, err))
		}
	}
	for _, e := range m.Experiments {
		for i, s := range e.Steps {
			if s.Until.Type == "" && s.Until.Field == "" {
				continue
			}
			if err := m.Vocabulary.check(s.Until.Type, s.Until.Field); err != nil {
				err = fmt.Errorf("%s: experiment %q step %d: %w", m.ID, e.ID, i+1, err)
				if e.File != "" {
					err = Error{File: e.File, Line: s.Line, Msg: err.Error()}
				}
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// check reports whether typ is a message type of the protocol and, when
// field is set, a JSON field of its body.
func (v Vocabulary) check(typ, field string) error {
	if v.HTTP && isHTTP(typ) {
		if field != "" {
			return fmt.Errorf("HTTP message %q has no body fields to match (%s)", typ, field)
		}
		return nil
	}
	fields, ok := v.Messages[typ]
	if !ok {
		return fmt.Errorf("message type %q is not in the demo's Messages", typ)
	}
	if field != "" && !slices.Contains(fields, field) {
		has := "none"
		if len(fields) > 0 {
			has = strings.Join(fields, ", ")
		}
		return fmt.Errorf("the body of %s has no field %q; it has %s", typ, field, has)
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
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
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
