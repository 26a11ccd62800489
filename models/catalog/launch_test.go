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

func TestLaunchArgs(t *testing.T) {
	const collector = "127.0.0.1:9000"
	server := Program{Node: "server", Binary: "server", Listen: ListenAny}
	client := Program{Node: "client-1", Binary: "client", Args: []string{"--server", "{addr:server}"}}
	reserved := Program{Node: "server-1", Binary: "server", Listen: ListenReserved, Args: []string{"--mode", "replicate"}}

	for _, tc := range []struct {
		name      string
		p         Program
		collector string
		addrs     map[string]string
		want      []string
		wantErr   string
	}{
		{"server on a free port", server, collector, nil,
			[]string{"--name", "server", "--listen", "127.0.0.1:0", "--trace", collector, "--exit-with-collector"}, ""},
		{"server restarted at its address", server, collector, map[string]string{"server": "127.0.0.1:7100"},
			[]string{"--name", "server", "--listen", "127.0.0.1:7100", "--trace", collector, "--exit-with-collector"}, ""},
		{"client without --listen", client, collector, map[string]string{"server": "127.0.0.1:7100"},
			[]string{"--name", "client-1", "--trace", collector, "--exit-with-collector", "--server", "127.0.0.1:7100"}, ""},
		{"by hand, without collector", client, "", map[string]string{"server": "127.0.0.1:7100"},
			[]string{"--name", "client-1", "--server", "127.0.0.1:7100"}, ""},
		{"reserved port", reserved, collector, map[string]string{"server-1": "127.0.0.1:7101"},
			[]string{"--name", "server-1", "--listen", "127.0.0.1:7101", "--trace", collector, "--exit-with-collector", "--mode", "replicate"}, ""},
		{"reserved port missing", reserved, collector, nil, nil, "must be reserved"},
		{"client before its server", client, collector, nil, nil, `no address for node "server"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.p.LaunchArgs(tc.collector, tc.addrs)
			if tc.wantErr != "" {
				require.Error(t, err, "got %q, want an error", got)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "got %q, want %q", got, tc.want)
		})
	}
}

func TestStartOrder(t *testing.T) {
	nodes := func(ps []Program) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Node)
		}
		return out
	}
	server := func(node string, listen Listen, args ...string) Program {
		return Program{Node: node, Role: "server", Binary: "server", Listen: listen, Args: args}
	}
	client := Program{Node: "client-1", Role: "client", Binary: "client", Args: []string{"--server", "{addr:server}"}}

	for _, tc := range []struct {
		name     string
		programs []Program
		want     []string
		wantErr  string
	}{
		{"server before client", []Program{server("server", ListenAny), client}, []string{"server", "client-1"}, ""},
		{"client listed first still waits", []Program{client, server("server", ListenAny)}, []string{"server", "client-1"}, ""},
		{"Later programs are left out", []Program{server("server", ListenAny), client,
			{Node: "client-2", Later: true, Args: []string{"{addr:server}"}}}, []string{"server", "client-1"}, ""},
		{"a chain", []Program{
			server("tier-3", ListenAny, "{addr:tier-2}"), server("tier-2", ListenAny, "{addr:tier-1}"), server("tier-1", ListenAny),
		}, []string{"tier-1", "tier-2", "tier-3"}, ""},
		{"reserved group in listed order", []Program{
			server("server-1", ListenReserved, "{addr:server-2}"), server("server-2", ListenReserved, "{addr:server-1}"),
		}, []string{"server-1", "server-2"}, ""},
		{"cycle", []Program{
			server("server-1", ListenAny, "{addr:server-2}"), server("server-2", ListenAny, "{addr:server-1}"),
		}, nil, "cannot start server-1, server-2: they wait for addresses in a cycle"},
		{"unknown node", []Program{server("server-1", ListenAny, "{addr:server-9}")}, nil, `"server-9", which is not in the model`},
		{"node that serves nobody", []Program{server("server", ListenAny, "{addr:client-1}"), client}, nil, "client-1, which serves nobody"},
		{"Later node", []Program{client, {Node: "server", Listen: ListenAny, Later: true}}, nil, "which only an experiment starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Model{Programs: tc.programs}.StartOrder()
			if tc.wantErr != "" {
				require.Error(t, err, "got %q, want an error", nodes(got))
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, nodes(got), "got %q, want %q", nodes(got), tc.want)
		})
	}
}

// Every program of the catalogue can be launched: reserve the ports, walk
// the start order as the launcher does, and pretend each ListenAny program
// announced an address in its hello.
func TestCatalogueLaunches(t *testing.T) {
	for _, m := range All() {
		t.Run(m.ID, func(t *testing.T) {
			addrs := map[string]string{}
			for _, p := range m.Programs {
				if p.Listen == ListenReserved {
					addrs[p.Node] = "127.0.0.1:1"
				}
			}
			order, err := m.StartOrder()
			require.NoError(t, err)
			for _, p := range order {
				_, err := p.LaunchArgs("127.0.0.1:9000", addrs)
				require.NoError(t, err, "launch %s", p.Node)
				if p.Listen == ListenAny {
					addrs[p.Node] = "127.0.0.1:2"
				}
			}
			for _, p := range m.Programs {
				if p.Later {
					_, err := p.LaunchArgs("127.0.0.1:9000", addrs)
					require.NoError(t, err, "launch %s later", p.Node)
				}
			}
		})
	}
}
