package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpandArgs(t *testing.T) {
	addrs := map[string]string{"server-1": "127.0.0.1:7101", "server-2": "127.0.0.1:7102"}
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{"no placeholders", []string{"--mode", "replicate"}, []string{"--mode", "replicate"}, ""},
		{"one", []string{"--server", "{addr:server-1}"}, []string{"--server", "127.0.0.1:7101"}, ""},
		{"two in one argument", []string{"--peers", "{addr:server-1},{addr:server-2}"},
			[]string{"--peers", "127.0.0.1:7101,127.0.0.1:7102"}, ""},
		{"text around", []string{"--peers={addr:server-2}!"}, []string{"--peers=127.0.0.1:7102!"}, ""},
		{"no address yet", []string{"{addr:server-3}"}, nil, `no address for node "server-3" yet`},
		{"unknown placeholder", []string{"{port:server-1}"}, nil, "unknown placeholder {port:server-1}"},
		{"empty node", []string{"{addr:}"}, nil, "unknown placeholder {addr:}"},
		{"no closing brace", []string{"{addr:server-1"}, nil, "a { without its }"},
		{"nested brace", []string{"{addr:{addr:server-1}}"}, nil, "a { without its }"},
		{"stray closing brace", []string{"server-1}"}, nil, "a } without its {"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Program{Node: "client-1", Args: tc.args}
			got, err := p.ExpandArgs(addrs)
			if tc.wantErr != "" {
				require.Error(t, err, "got %q, want an error", got)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Contains(t, err.Error(), "client-1", "the error names the program")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "got %q, want %q", got, tc.want)
		})
	}
}

func TestRefs(t *testing.T) {
	p := Program{Node: "client-1", Args: []string{
		"--server", "{addr:server-2},{addr:server-1}", "--backup", "{addr:server-2}",
	}}
	got, err := p.Refs()
	require.NoError(t, err)
	want := []string{"server-2", "server-1"}
	assert.Equal(t, want, got, "got %q, want %q (each once, in order of appearance)", got, want)
}
