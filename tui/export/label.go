package export

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"dsdemo/models/i18n"
	"dsdemo/tui/history"
)

// A label says what a message asked or answered, and what became of it:
//
//	put a=1 ✓                  a request: its type and its body's fields
//	get b → not found ✓        a reply: its request, then what it adds
//	GET /static/a → 200 ✓      an HTTP reply is named by its status
//	get b → error ⚠            an error reply
//	del a ✗ dropped            a message the network lost
//
// It is built from the message alone, the same way for every model: the
// body's plain fields in their order, a "key" as its bare value (with its
// "value", key=value), other fields as name=value, a boolean as its name
// or "not" and its name, a list as its name and length, all cut short. A
// reply leaves out its type when it is the request's with "_ok" (the
// wire's convention for a plain answer) and the fields that only repeat
// the request's.

// Lengths, in characters, that keep a label on one arrow.
const (
	maxValue = 16 // a field's value
	maxWords = 36 // what the message says, before its mark and fate
)

// label is the text on a message's arrow; request is the request a reply
// answers, or nil.
func label(a, request *history.Arrow, lang string) string {
	text := said(a, request)
	if m := mark(a); m != "" {
		text += " " + m
	}
	if f := fate(a).In(lang); f != "" {
		text += " " + f
	}
	return text
}

// said is what a message says: for a request its type and fields, for a
// reply the request's and, after an arrow, what the reply adds.
func said(a, request *history.Arrow) string {
	if request == nil {
		return shorten(join(typeName(a.Type), fields(a.Body, nil)), maxWords)
	}
	asked := join(typeName(request.Type), fields(request.Body, nil))
	var answer string
	if a.Type != request.Type+"_ok" {
		answer = typeName(a.Type)
	}
	answer = join(answer, fields(a.Body, request.Body))
	if answer == "" {
		answer = "ok"
	}
	return shorten(asked+" → "+answer, maxWords)
}

func typeName(typ string) string {
	if typ == "" {
		return "message"
	}
	return typ
}

// join joins the non-empty words with a space.
func join(words ...string) string {
	var out []string
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// mark is the live view's mark for what became of a (tui/screen's
// outcome), as far as a recording tells: whether a node was down or
// frozen is not in it, so there is no ☠ or ❄. A message that had not
// arrived when the recording ended gets none.
func mark(a *history.Arrow) string {
	switch {
	case a.Delivered() && a.ErrorReply():
		return "⚠"
	case a.Delivered():
		return "✓"
	case a.Held:
		return "⏸"
	case a.Fault == "abandoned":
		return "⊘"
	case a.Lost():
		return "✗"
	}
	return ""
}

// fate says in words what became of a message that did not simply arrive
// once.
func fate(a *history.Arrow) i18n.Text {
	var words []i18n.Text
	if a.Fault == "duplicate" {
		words = append(words, i18n.Text{DE: "(Kopie)", EN: "(copy)"})
	}
	switch {
	case a.Delivered():
	case a.Fault == "drop":
		words = append(words, i18n.Text{DE: "verworfen", EN: "dropped"})
	case a.Fault == "partition":
		words = append(words, i18n.Text{DE: "abgetrennt", EN: "partition"})
	case a.Fault == "abandoned":
		words = append(words, i18n.Text{DE: "aufgegeben", EN: "given up"})
	case a.Held:
		words = append(words, i18n.Text{DE: "angehalten", EN: "held"})
	default:
		words = append(words, i18n.Text{DE: "nicht empfangen", EN: "not received"})
	}
	var out i18n.Text
	for _, w := range words {
		out.DE, out.EN = join(out.DE, w.DE), join(out.EN, w.EN)
	}
	return out
}

// field is a top-level field of a body: its name and its JSON value.
type field struct {
	name  string
	value json.RawMessage
}

// fields says a body's plain fields in words (see the comment at the top),
// leaving out those whose value is the same in body than (a request's);
// nested objects are left out too. A body that is a plain value gives that
// value; one that is not JSON gives "".
func fields(body, than json.RawMessage) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	if s, ok := plainValue(body); ok {
		return shorten(s, maxValue)
	}
	all, ok := objectFields(body)
	if !ok {
		return ""
	}
	if len(than) > 0 {
		asked, _ := objectFields(than)
		all = unlike(all, asked)
	}
	var words []string
	value, hasValue := find(all, "value")
	for _, f := range all {
		switch f.name {
		case "key":
			k, ok := plainValue(f.value)
			if !ok {
				continue
			}
			word := shorten(k, maxValue)
			if v, ok := plainValue(value); hasValue && ok {
				word += "=" + shorten(v, maxValue)
			}
			words = append(words, word)
		case "value":
			if _, hasKey := find(all, "key"); !hasKey {
				if v, ok := plainValue(f.value); ok {
					words = append(words, shorten(v, maxValue))
				}
			}
		default:
			if w := fieldWord(f); w != "" {
				words = append(words, w)
			}
		}
	}
	return strings.Join(words, " ")
}

// fieldWord says one field other than key and value: found or not found,
// entries[3], hops=2; "" for null, an empty string or an object.
func fieldWord(f field) string {
	v := bytes.TrimSpace(f.value)
	switch {
	case len(v) == 0, string(v) == "null", string(v) == `""`, v[0] == '{':
		return ""
	case string(v) == "true":
		return f.name
	case string(v) == "false":
		return "not " + f.name
	case v[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil {
			return ""
		}
		return f.name + "[" + strconv.Itoa(len(items)) + "]"
	}
	s, _ := plainValue(v)
	return f.name + "=" + shorten(s, maxValue)
}

// objectFields returns the top-level fields of a JSON object in their
// order; ok is false when body is not an object.
func objectFields(body json.RawMessage) ([]field, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []field
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		s, _ := name.(string)
		out = append(out, field{name: s, value: value})
	}
	return out, true
}

// unlike returns the fields of all that asked does not have with the same
// value.
func unlike(all, asked []field) []field {
	var out []field
	for _, f := range all {
		if v, ok := find(asked, f.name); !ok || !bytes.Equal(bytes.TrimSpace(v), bytes.TrimSpace(f.value)) {
			out = append(out, f)
		}
	}
	return out
}

func find(fields []field, name string) (json.RawMessage, bool) {
	for _, f := range fields {
		if f.name == name {
			return f.value, true
		}
	}
	return nil, false
}

// plainValue returns a JSON string, number or boolean as text; ok is false
// for null, an object or an array.
func plainValue(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		return s, json.Unmarshal(v, &s) == nil
	case '{', '[', 'n':
		return "", false
	}
	return string(v), true
}

// shorten cuts s to at most n characters, the last one an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
