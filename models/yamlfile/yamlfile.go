// Package yamlfile reads the YAML files an instructor writes by hand (the
// question bank, the glossary, the experiment files) and reports every
// mistake at the file and line an editor can jump to.
//
// Why a node tree and not struct decoding: yaml.Unmarshal into a struct
// stops at the first mistake, says nothing about a field it does not know
// (a typo like "explian:" is silently dropped), and its messages name Go
// types, not lines. An instructor who knows no Go wants all mistakes at
// once, each with its line. So a loader decodes the file into a tree of
// yaml.Node, which keeps the line of every key and value, and walks it
// with a Reader: each step checks one node, records a mistake if there is
// one and keeps going, so one run lists them all.
//
//	r := &yamlfile.Reader{File: "server-crash.yaml"}
//	root, err := r.Parse(data) // a syntax error stops here: nothing to walk
//	if err != nil {
//		return err
//	}
//	f := r.Fields(root, "an experiment file", []string{"id", "title"})
//	id := r.Scalar(f["id"], "id")
//	title := r.Text(f["title"], "title")
//	return r.Errs.Err() // nil, or every mistake, one per line
//
//	server-crash.yaml:2: unknown field "titel" in an experiment file (want one of id, title)
//
// A Reader walks what it is given: a nil node (a field the file does not
// have) is for the caller to report, with a message that says what the
// field is for; Text is the one exception, since an absent text is often
// allowed.
package yamlfile

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"dsdemo/models/i18n"
)

// Error is one mistake in a file, at a line an editor can jump to.
type Error struct {
	File string
	Line int // counts from 1
	Msg  string
}

func (e Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors is every mistake found in one file or a set of them: an
// instructor fixes them all in one go instead of one per run.
type Errors []Error

// Error puts one mistake on each line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the mistakes by file and line; those on one line keep the
// order they were found in.
func (es Errors) Sort() {
	slices.SortStableFunc(es, func(a, b Error) int {
		return cmp.Or(strings.Compare(a.File, b.File), a.Line-b.Line)
	})
}

// Err returns es sorted, as an error, or nil when there are none. (A nil
// Errors put into an error would be an error that is not nil.)
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// Reader collects the mistakes of one file while a loader walks its nodes.
type Reader struct {
	File string // as errors name it
	Errs Errors
}

// Errorf records a mistake at the line of n.
func (r *Reader) Errorf(n *yaml.Node, format string, args ...any) {
	r.Errs = append(r.Errs, Error{File: r.File, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

// yamlLine finds the line in a YAML syntax error: "yaml: line 7: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxHints explain the YAML mistakes a hand-written file runs into most.
var syntaxHints = map[string]string{
	"mapping values are not allowed in this context": `a text with ": " in it needs quotes`,
	"did not find expected ',' or '}'":               `a text in {...} with "?", ":" or "," needs quotes`,
	"found character that cannot start any token":    "a tab, or a text starting with a special character that needs quotes",
}

// Parse reads data into a node tree and returns its top node, or nil for
// a file with nothing in it. A syntax error is recorded like any other
// mistake, at the line it is really on, with a hint for the common ones;
// then Parse returns r.Errs as its error, as there is no tree to walk.
func (r *Reader) Parse(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if hint := syntaxHints[msg]; hint != "" {
			msg += " (" + hint + ")"
		}
		r.Errs = append(r.Errs, Error{File: r.File, Line: firstBadLine(data, line), Msg: "YAML syntax: " + msg})
		return nil, r.Errs.Err()
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return Resolve(doc.Content[0]), nil
}

// firstBadLine finds the line of a YAML syntax error. The parser reports
// a line near it, sometimes the one before (where a {...} it is in
// begins, counted from 0); the mistake is on the first line from there on
// up to which the file no longer reads as YAML.
func firstBadLine(data []byte, reported int) int {
	lines := strings.SplitAfter(string(data), "\n")
	for n := max(reported, 1); n <= len(lines); n++ {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc) != nil {
			return n
		}
	}
	return max(reported, 1)
}

// Resolve follows an alias (*name) to the node it names, so that a file
// may write a text once (&name) and use it again.
func Resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// Lookup is the value of key in the mapping n (the first, if it is
// written twice), or nil.
func Lookup(n *yaml.Node, key string) *yaml.Node {
	n = Resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return Resolve(n.Content[i+1])
		}
	}
	return nil
}

// Fields reads a mapping into key → value, reporting keys not in known
// (with the list of known ones) and keys written twice. It returns nil if
// n is not a mapping; what names n in the errors, like "a question".
func (r *Reader) Fields(n *yaml.Node, what string, known []string) map[string]*yaml.Node {
	return r.FieldsOr(n, what, known, fmt.Sprintf("unknown field %%q in %s (want one of %s)", what, strings.Join(known, ", ")))
}

// FieldsOr is Fields with its own message for an unknown key: a format
// with one %q for the key, for a mapping where a plain list of the known
// fields would not help.
func (r *Reader) FieldsOr(n *yaml.Node, what string, known []string, unknown string) map[string]*yaml.Node {
	n = Resolve(n)
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, "%s must be a mapping of fields (key: value)", what)
		return nil
	}
	m := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], Resolve(n.Content[i+1])
		switch {
		case !slices.Contains(known, k.Value):
			r.Errorf(k, unknown, k.Value)
		case m[k.Value] != nil:
			r.Errorf(k, "field %q is written twice in %s", k.Value, what)
		default:
			m[k.Value] = v
		}
	}
	return m
}

// Scalar is the value of a plain field, trimmed, or "" with an error if
// n is a list or a mapping.
func (r *Reader) Scalar(n *yaml.Node, what string) string {
	n = Resolve(n)
	if n.Kind != yaml.ScalarNode {
		r.Errorf(n, "%s must be a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// Text reads {de: ..., en: ...}. A language left out is the empty
// string, and so is a nil n: which texts and languages are needed is for
// the caller to say.
func (r *Reader) Text(n *yaml.Node, what string) i18n.Text {
	if n == nil {
		return i18n.Text{}
	}
	n = Resolve(n)
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, `%s must be a text in each language, like {de: "...", en: "..."}`, what)
		return i18n.Text{}
	}
	unknown := fmt.Sprintf("unknown field %%q in %s (want de and en)", what)
	if n.Style == yaml.FlowStyle {
		// {de: a, b, en: c} reads "b" as a field of its own.
		unknown = fmt.Sprintf(`unknown field %%q in %s (want de and en; a text in {...} with a comma needs quotes: {de: "a, b", en: ...})`, what)
	}
	var t i18n.Text
	if f := r.FieldsOr(n, what, []string{"de", "en"}, unknown); f != nil {
		if v := f["de"]; v != nil {
			t.DE = r.Scalar(v, what+" de")
		}
		if v := f["en"]; v != nil {
			t.EN = r.Scalar(v, what+" en")
		}
	}
	return t
}
