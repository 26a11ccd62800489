package space

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The bounds of one entry.
const (
	MaxEntryBytes = 64 << 10 // bytes of one entry as JSON
	MaxFields     = 32       // fields of one entry or template
	MaxName       = 64       // bytes of a type or field name
)

// checkName reports what is wrong with a type or field name: names are
// letters, digits, '.', '-' and '_', 1 to MaxName bytes.
func checkName(what, s string) error {
	if s == "" || len(s) > MaxName {
		return fmt.Errorf("%s must be 1 to %d bytes, not %d", what, MaxName, len(s))
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
		if !ok {
			return fmt.Errorf("%s %q may hold only letters, digits, '.', '-' and '_'", what, cut(s))
		}
	}
	return nil
}

// checkEntry reports what is wrong with an entry to write, and its size.
func checkEntry(e Entry) (int, error) {
	if err := checkShape(e, false); err != nil {
		return 0, err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	if len(b) > MaxEntryBytes {
		return 0, fmt.Errorf("entry of %d bytes is over the limit of %d", len(b), MaxEntryBytes)
	}
	return len(b), nil
}

// checkTemplate reports what is wrong with a template.
func checkTemplate(t Entry) error {
	if t.Type == "" && len(t.Fields) == 0 {
		return nil // matches every entry
	}
	return checkShape(t, true)
}

func checkShape(e Entry, template bool) error {
	if !template || e.Type != "" {
		if err := checkName("the entry's type", e.Type); err != nil {
			return err
		}
	}
	if len(e.Fields) > MaxFields {
		return fmt.Errorf("an entry has at most %d fields, not %d", MaxFields, len(e.Fields))
	}
	for k, v := range e.Fields {
		if err := checkName("a field name", k); err != nil {
			return err
		}
		switch v.(type) {
		case string, float64, bool:
		case nil:
			if !template {
				return fmt.Errorf("field %s is null: only a template may leave a field open", k)
			}
		default:
			return fmt.Errorf("field %s must be a string, number or boolean", k)
		}
	}
	return nil
}

// Matches reports whether entry e matches template t: the same type
// (or t's type empty), and every field t sets to a value equal in e.
// Fields t leaves out or sets to null are wildcards.
func Matches(t, e Entry) bool {
	if t.Type != "" && t.Type != e.Type {
		return false
	}
	for k, v := range t.Fields {
		if v == nil {
			continue
		}
		if ev, ok := e.Fields[k]; !ok || ev != v {
			return false
		}
	}
	return true
}

// clone returns a copy of e whose fields map is its own.
func (e Entry) clone() Entry {
	return Entry{Type: e.Type, Fields: maps.Clone(e.Fields)}
}

// String writes an entry as a student types it: TYPE k=v k=v (fields in
// name order; a template's wildcards as k=*).
func (e Entry) String() string {
	var b strings.Builder
	b.WriteString(e.Type)
	if e.Type == "" {
		b.WriteString("*")
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		fmt.Fprintf(&b, " %s=%s", k, formatValue(e.Fields[k]))
	}
	return b.String()
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "*"
	case string:
		if len(v) > 24 {
			return fmt.Sprintf("(%d bytes)", len(v))
		}
		if v == "" || v == "*" || strings.ContainsAny(v, " =\"") {
			return fmt.Sprintf("%q", v)
		}
		if _, err := parseNumber(v); err == nil || v == "true" || v == "false" {
			return fmt.Sprintf("%q", v)
		}
		return v
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// ParseEntry reads an entry or template as a student types it:
// "TYPE k=v k=v". A value that reads as a number or true/false is one
// (quote it, k="7", to keep it a string); in a template, k=* or a field
// left out is a wildcard, and the type * matches every type.
func ParseEntry(s string, template bool) (Entry, error) {
	words, err := splitWords(s)
	if err != nil {
		return Entry{}, err
	}
	if len(words) == 0 {
		return Entry{}, errors.New("an entry needs a TYPE, then fields as name=value")
	}
	e := Entry{Type: words[0].text, Fields: map[string]any{}}
	if e.Type == "*" && template {
		e.Type = ""
	}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w.text, "=")
		if !ok {
			return Entry{}, fmt.Errorf("field %q needs the form name=value", cut(w.text))
		}
		e.Fields[k] = parseValue(v, w.quotedAt > len(k))
		if v == "*" && w.quotedAt < 0 {
			if !template {
				return Entry{}, fmt.Errorf("field %s=*: only a template may leave a field open", k)
			}
			e.Fields[k] = nil
		}
	}
	if len(e.Fields) == 0 {
		e.Fields = nil
	}
	if template {
		return e, checkTemplate(e)
	}
	_, err = checkEntry(e)
	return e, err
}

func parseValue(v string, quoted bool) any {
	if quoted {
		return v
	}
	if v == "true" || v == "false" {
		return v == "true"
	}
	if f, err := parseNumber(v); err == nil {
		return f
	}
	return v
}

func parseNumber(v string) (float64, error) {
	var f float64
	if v == "" || strings.ContainsAny(v, "xXpP_") {
		return 0, errors.New("not a number")
	}
	err := json.Unmarshal([]byte(v), &f)
	return f, err
}

type word struct {
	text     string
	quotedAt int // the byte where a quoted part began, -1 when none
}

// splitWords splits a line at blanks, keeping "quoted parts" together.
func splitWords(s string) ([]word, error) {
	var words []word
	var cur strings.Builder
	in, started, quotedAt := false, false, -1
	for _, r := range s {
		switch {
		case r == '"':
			if !in && quotedAt < 0 {
				quotedAt = cur.Len()
			}
			in, started = !in, true
		case (r == ' ' || r == '\t') && !in:
			if started {
				words = append(words, word{cur.String(), quotedAt})
				cur.Reset()
				started, quotedAt = false, -1
			}
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if in {
		return nil, errors.New("a quote is not closed")
	}
	if started {
		words = append(words, word{cur.String(), quotedAt})
	}
	return words, nil
}

// cut shortens a string from the network for an error message.
func cut(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
