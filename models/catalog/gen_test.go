package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"dsdemo/models/i18n"
)

// TestWriteExperimentFiles is the one-off move of the experiments out of
// Go: it writes every Go-defined experiment to its file. Run with
// DSDEMO_WRITE_EXPERIMENTS=1.
func TestWriteExperimentFiles(t *testing.T) {
	if os.Getenv("DSDEMO_WRITE_EXPERIMENTS") == "" {
		t.Skip("set DSDEMO_WRITE_EXPERIMENTS=1 to write the experiment files")
	}
	for _, m := range goModels() {
		dir := filepath.Join("experiments", m.ID)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for i, e := range m.Experiments {
			var b bytes.Buffer
			enc := yaml.NewEncoder(&b)
			enc.SetIndent(2)
			require.NoError(t, enc.Encode(experimentNode(m.ID, e)))
			require.NoError(t, enc.Close())
			name := filepath.Join(dir, fmt.Sprintf("%02d-%s.yaml", (i+1)*10, e.ID))
			require.NoError(t, os.WriteFile(name, b.Bytes(), 0o644))
		}
	}
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func mapping(flow bool, kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case string:
			if x == "" {
				continue
			}
			v = str(x)
		case *yaml.Node:
			if x == nil {
				continue
			}
			v = x
		}
		n.Content = append(n.Content, str(kv[i].(string)), v)
	}
	return n
}

func textNode(t i18n.Text) *yaml.Node {
	if t == (i18n.Text{}) {
		return nil
	}
	n := mapping(len(t.DE)+len(t.EN) < 70, "de", t.DE, "en", t.EN)
	for _, v := range []*yaml.Node{n.Content[1], n.Content[3]} {
		// A text that needs quotes gets double ones, as in the quiz bank:
		// an apostrophe in single quotes would have to be written twice.
		if out, _ := yaml.Marshal(v.Value); strings.HasPrefix(string(out), "'") || n.Style == yaml.FlowStyle && strings.ContainsAny(v.Value, ",:{}[]") {
			v.Style = yaml.DoubleQuotedStyle
		}
	}
	return n
}

func seq(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func matchNode(m Match, kind bool) *yaml.Node {
	k := string(m.Kind)
	if !kind {
		k = ""
	}
	return mapping(true, "kind", k, "node", m.Node, "type", m.Type, "from", m.From, "fault", m.Fault,
		"field", m.Field, "is", m.Is, "key", m.Key, "value", m.Value, "text", m.Text)
}

func experimentNode(model string, e Experiment) *yaml.Node {
	steps := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range e.Steps {
		steps.Content = append(steps.Content, stepNode(s))
	}
	n := mapping(false, "model", model, "id", e.ID, "title", textNode(e.Title), "summary", textNode(e.Summary), "steps", steps)
	n.HeadComment = "An experiment of dsdemo. The format: models/catalog/experiments/README.md"
	return n
}

func stepNode(s Step) *yaml.Node {
	var kv []any
	switch s.Kind {
	case StepCaption:
	case StepHeal:
		kv = append(kv, "heal", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	case StepFault:
		f := mapping(true, "node", s.Node, "op", string(s.Fault.Op))
		num := func(key, tag, v string) {
			f.Content = append(f.Content, str(key), &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v})
		}
		switch {
		case s.Fault.Ms != 0 || s.Fault.Op == "delay":
			num("ms", "!!int", strconv.FormatInt(s.Fault.Ms, 10))
		case s.Fault.Op == "drop" || s.Fault.Op == "duplicate":
			num("p", "!!float", strconv.FormatFloat(s.Fault.P, 'g', -1, 64))
		case s.Fault.Op == "hold":
			num("on", "!!bool", strconv.FormatBool(s.Fault.On))
		}
		kv = append(kv, "fault", f)
	case StepWait:
		kv = append(kv, "wait", matchNode(s.Until, true))
	case StepPredict:
		kv = append(kv, "predict", matchNode(s.Until, false))
	default:
		kv = append(kv, string(s.Kind), s.Node)
	}
	kv = append(kv, "cmd", s.Cmd)
	if len(s.Peers) > 0 {
		kv = append(kv, "from", seq(s.Peers))
	}
	if len(s.Choices) > 0 {
		kv = append(kv, "choices", seq(s.Choices), "answer", s.Answer)
	}
	kv = append(kv, "caption", textNode(s.Caption), "explain", textNode(s.Explain))
	if len(s.Claims) > 0 {
		claims := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range s.Claims {
			claims.Content = append(claims.Content, mapping(true, "node", c.Node, "key", c.Key, "value", c.Value))
		}
		kv = append(kv, "claims", claims)
	}
	return mapping(false, kv...)
}
