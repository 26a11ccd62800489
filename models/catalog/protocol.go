package catalog

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Protocol is what a model's programs say to each other: the demo's
// Messages table (message type to body type, from its messages.go), and
// whether its programs speak HTTP too, whose messages are named by method
// and path ("GET /static/a") and whose replies by status code ("304").
//
// The catalogue imports no demo, so it names message types and body
// fields as strings. Each demo checks the catalogue against its own
// protocol in a test of its own package:
//
//	func TestCatalogueSpeaksOurProtocol(t *testing.T) {
//		m, _ := catalog.ByID("clientserver")
//		assert.NoError(t, m.CheckProtocol(catalog.Protocol{Messages: Messages}))
//	}
//
// A renamed message type or JSON field then fails that test, not a lesson.
type Protocol struct {
	Messages map[string]any
	HTTP     bool
}

// CheckProtocol reports every message type and body field that the
// model's experiments wait for, or that it names as background, and that
// p does not have.
func (m Model) CheckProtocol(p Protocol) error {
	var errs []error
	for _, typ := range m.Background {
		if err := p.check(typ, ""); err != nil {
			errs = append(errs, fmt.Errorf("%s: background: %w", m.ID, err))
		}
	}
	for _, e := range m.Experiments {
		for i, s := range e.Steps {
			if s.Until.Type == "" && s.Until.Field == "" {
				continue
			}
			if err := p.check(s.Until.Type, s.Until.Field); err != nil {
				err = fmt.Errorf("%s: experiment %q step %d: %w", m.ID, e.ID, i+1, err)
				if e.File != "" {
					err = Error{e.File, s.Line, err.Error()}
				}
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// check reports whether typ is a message type of the protocol and, when
// field is set, a JSON field of its body.
func (p Protocol) check(typ, field string) error {
	if p.HTTP && isHTTP(typ) {
		if field != "" {
			return fmt.Errorf("HTTP message %q has no body fields to match (%s)", typ, field)
		}
		return nil
	}
	body, ok := p.Messages[typ]
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
