package container_test

import (
	"bufio"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/middleware/container"
	"dsdemo/models/wire"
)

func TestHostileMalformedDescriptorNamesEveryMistakeWithItsLine(t *testing.T) {
	bad := `component: Bank
kind: stately
pool: 99
resources: [db, files]
methods:
  create: {transaction: Required, roles: [teller]}
  move: {transaction: Sometimes}
colour: blue
`
	_, err := container.ParseDescriptor("bank.yaml", []byte(bad))
	require.Error(t, err)
	for _, want := range []string{
		`bank.yaml:1: component "Bank" must be a lower-case name`,
		`bank.yaml:2: kind must be stateless or stateful, not "stately"`,
		`bank.yaml:3: pool must be a whole number from 1 to 32`,
		`bank.yaml:4: unknown resource "files"`,
		`bank.yaml:6: "create" cannot be a business method`,
		`bank.yaml:7: transaction must be one of [Required RequiresNew Supports Never], not "Sometimes"`,
		`bank.yaml:7: method move needs roles`,
		`bank.yaml:8: unknown field "colour"`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = container.ParseDescriptor("x.yaml", []byte("component: [unclosed\n"))
	assert.ErrorContains(t, err, "x.yaml:")
}

// TestHostileDeploysAreRefusedAndTheOldVersionServesOn: a broken
// descriptor, a script that does not compile, one that lacks a method its
// descriptor names, and one whose top level loops: each deploy is refused
// with one sentence, and the deployed version goes on serving.
func TestHostileDeploysAreRefusedAndTheOldVersionServesOn(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	c := dial(t, p.Addr)
	good, err := container.ReadDeployment("example:bank")
	require.NoError(t, err)
	tests := []struct {
		name string
		req  container.DeployRequest
		want string
	}{
		{"descriptor", container.DeployRequest{Descriptor: "component: bank\nmethods: 7\n", Script: good.Script},
			"descriptor:2: methods must map each business method"},
		{"syntax", container.DeployRequest{Descriptor: good.Descriptor, Script: "def transfer(self:\n"},
			"cannot deploy bank: the script failed: bank.star:1:"},
		{"missing method", container.DeployRequest{Descriptor: good.Descriptor, Script: "def transfer(self): pass\n"},
			"the descriptor names method"},
		{"top level loops", container.DeployRequest{Descriptor: good.Descriptor, Script: "while True:\n    pass\n"},
			"cannot deploy bank: stopped: more than 1000000 steps"},
		{"empty", container.DeployRequest{}, "descriptor:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r container.DeployReply
			err := c.ask(container.TypeDeploy, tt.req, &r)
			assert.ErrorContains(t, err, tt.want)
			assert.Equal(t, 1, c.must("bob", "", "bank.total").Version)
		})
	}
}

func TestHostileCallsAreRefusedWithOneSentence(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank,example:cart")
	c := dial(t, p.Addr)
	deep := any("x")
	for range 40 {
		deep = []any{deep}
	}
	tests := []struct {
		name, user, session, method string
		args                        []any
		want                        string
	}{
		{"no dot", "alice", "", "transfer", nil, `method "transfer": want COMPONENT.METHOD`},
		{"unknown component", "alice", "", "vault.open", nil, `no component "vault" is deployed`},
		{"unknown method", "alice", "", "bank.steal", nil, "bank has no business method steal (it offers balance, total, transfer)"},
		{"a lifecycle callback is no business method", "alice", "", "bank.create", nil, "bank has no business method create"},
		{"bad role", "bob", "", "bank.transfer", []any{"a", "b", 1}, "refused: user \"bob\""},
		{"wrong arguments", "alice", "", "bank.transfer", []any{"a"}, "the script failed: function transfer missing 2 arguments"},
		{"a string for an amount", "alice", "", "bank.transfer", []any{"a", "b", "ten"}, "the amount must be a positive whole number"},
		{"nested too deep", "alice", "", "bank.transfer", []any{deep, "b", 1}, "nested deeper than 32 levels"},
		{"bad session", "bob", "../../etc", "cart.items", nil, "a call needs a session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.call(tt.user, tt.session, tt.method, tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	assert.Equal(t, 3000, int(c.must("bob", "", "bank.total").Result.(float64)))
}

// TestHostileOversizedFrameGetsAnErrorAndTheContainerServesOn.
func TestHostileOversizedFrameGetsAnErrorAndTheContainerServesOn(t *testing.T) {
	p, _ := startContainer(t, "", "--deploy", "example:bank")
	nc, err := net.DialTimeout("tcp", p.Addr, 5*time.Second)
	require.NoError(t, err)
	defer nc.Close()
	require.NoError(t, nc.SetDeadline(time.Now().Add(30*time.Second)))
	huge := `{"from":"m","to":"container","type":"call","id":1,"body":{"method":"bank.total","args":["` + strings.Repeat("x", wire.MaxFrame+10) + `"]}}` + "\n"
	_, err = nc.Write([]byte(huge))
	require.NoError(t, err)
	line, err := bufio.NewReaderSize(nc, 1<<16).ReadString('\n')
	require.NoError(t, err)
	var e wire.Envelope
	require.NoError(t, json.Unmarshal([]byte(line), &e))
	assert.Equal(t, wire.TypeError, e.Type)
	assert.Contains(t, string(e.Body), "frame too large")

	c := dial(t, p.Addr)
	assert.Equal(t, 3000, int(c.must("bob", "", "bank.total").Result.(float64)))
}

// FuzzParseDescriptor: whatever a deployer sends as a descriptor, the
// container answers with a descriptor or an error, never a crash.
func FuzzParseDescriptor(f *testing.F) {
	good, err := container.ReadDeployment("example:bank")
	require.NoError(f, err)
	for _, seed := range []string{good.Descriptor, "", "7", "methods: {a: 7}\nusers: {a: 5}", "component: x\nmethods:\n  m: {roles: [r]}\n", "- a\n- b", "&a [*a]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		_, _ = container.ParseDescriptor("d.yaml", []byte(data))
	})
}
