package launch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
)

func TestLaunchArgs(t *testing.T) {
	const collector = "127.0.0.1:9000"
	server := catalog.Program{Node: "server", Binary: "server", Listen: catalog.ListenAny}
	client := catalog.Program{Node: "client-1", Binary: "client", Args: []string{"--server", "{addr:server}"}}
	reserved := catalog.Program{Node: "server-1", Binary: "server", Listen: catalog.ListenReserved, Args: []string{"--mode", "replicate"}}

	for _, tc := range []struct {
		name      string
		p         catalog.Program
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
			got, err := launchArgs(tc.p, tc.collector, tc.addrs)
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
	nodes := func(ps []catalog.Program) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Node)
		}
		return out
	}
	server := func(node string, listen catalog.Listen, args ...string) catalog.Program {
		return catalog.Program{Node: node, Role: "server", Binary: "server", Listen: listen, Args: args}
	}
	client := catalog.Program{Node: "client-1", Role: "client", Binary: "client", Args: []string{"--server", "{addr:server}"}}

	for _, tc := range []struct {
		name     string
		programs []catalog.Program
		want     []string
		wantErr  string
	}{
		{"server before client", []catalog.Program{server("server", catalog.ListenAny), client}, []string{"server", "client-1"}, ""},
		{"client listed first still waits", []catalog.Program{client, server("server", catalog.ListenAny)}, []string{"server", "client-1"}, ""},
		{"Later programs are left out", []catalog.Program{server("server", catalog.ListenAny), client,
			{Node: "client-2", Later: true, Args: []string{"{addr:server}"}}}, []string{"server", "client-1"}, ""},
		{"a chain", []catalog.Program{
			server("tier-3", catalog.ListenAny, "{addr:tier-2}"), server("tier-2", catalog.ListenAny, "{addr:tier-1}"), server("tier-1", catalog.ListenAny),
		}, []string{"tier-1", "tier-2", "tier-3"}, ""},
		{"reserved group in listed order", []catalog.Program{
			server("server-1", catalog.ListenReserved, "{addr:server-2}"), server("server-2", catalog.ListenReserved, "{addr:server-1}"),
		}, []string{"server-1", "server-2"}, ""},
		{"cycle", []catalog.Program{
			server("server-1", catalog.ListenAny, "{addr:server-2}"), server("server-2", catalog.ListenAny, "{addr:server-1}"),
		}, nil, "cannot start server-1, server-2: they wait for addresses in a cycle"},
		{"unknown node", []catalog.Program{server("server-1", catalog.ListenAny, "{addr:server-9}")}, nil, `"server-9", which is not in the model`},
		{"node that serves nobody", []catalog.Program{server("server", catalog.ListenAny, "{addr:client-1}"), client}, nil, "client-1, which serves nobody"},
		{"Later node", []catalog.Program{client, {Node: "server", Listen: catalog.ListenAny, Later: true}}, nil, "which only an experiment starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := startOrder(catalog.Model{Programs: tc.programs})
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
// the start order as the launcher does, and pretend each catalog.ListenAny program
// announced an address in its hello.
func TestCatalogueLaunches(t *testing.T) {
	for _, m := range catalog.All() {
		t.Run(m.ID, func(t *testing.T) {
			addrs := map[string]string{}
			for _, p := range m.Programs {
				if p.Listen == catalog.ListenReserved {
					addrs[p.Node] = "127.0.0.1:1"
				}
			}
			order, err := startOrder(m)
			require.NoError(t, err)
			for _, p := range order {
				_, err := launchArgs(p, "127.0.0.1:9000", addrs)
				require.NoError(t, err, "launch %s", p.Node)
				if p.Listen == catalog.ListenAny {
					addrs[p.Node] = "127.0.0.1:2"
				}
			}
			for _, p := range m.Programs {
				if p.Later {
					_, err := launchArgs(p, "127.0.0.1:9000", addrs)
					require.NoError(t, err, "launch %s later", p.Node)
				}
			}
		})
	}
}
