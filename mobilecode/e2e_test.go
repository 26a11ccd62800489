package mobilecode

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/sandbox"
	"dsdemo/models/wire"
)

// setup builds both programs, makes the server's key pair in a temporary
// directory and returns the binaries and the key pair's base name.
func setup(t *testing.T) (codeserver, sandboxBin, key string) {
	dir := programtest.Build(t, "dsdemo/mobilecode/codeserver", "dsdemo/mobilecode/sandbox")
	codeserver, sandboxBin = filepath.Join(dir, "codeserver"), filepath.Join(dir, "sandbox")
	key = keygen(t, codeserver, "server")
	return codeserver, sandboxBin, key
}

func keygen(t *testing.T, codeserver, name string) string {
	key := filepath.Join(t.TempDir(), name)
	out, errOut, code := programtest.Run(t, codeserver, "keygen", "--out", key)
	require.Equal(t, 0, code, "keygen: %s", errOut)
	require.Contains(t, out, "wrote ")
	return key
}

func TestScripts(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key")

	useful := []struct{ script, want string }{
		{"validate-form", "form 1: valid, sent; the server received Ada Lovelace\nform 2: not sent: name is empty;"},
		{"aggregate", "total stock worth 2692.00 EUR\n"},
		{"calculator", "2 3 4 * + = 14.0\n"},
		{"convert", "pencil: 0.80 EUR, 0.86 USD, 0.68 GBP\n"},
	}
	for _, u := range useful {
		t.Run(u.script, func(t *testing.T) {
			out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub", u.script)
			assert.Equal(t, 0, code, "exit code; stderr %q", errOut)
			assert.Contains(t, out, u.want)
			assert.Empty(t, errOut)
		})
	}

	hostile := []struct{ script, want string }{
		{"hostile-loop", "sandbox: stopped: more than 1000000 steps\n"},
		{"hostile-memory", "sandbox: stopped: operator * would go past the 64 MiB this run may allocate\n"},
		{"hostile-repeat", "sandbox: stopped: operator * would go past the 64 MiB this run may allocate\n"},
		{"hostile-join", "sandbox: stopped: join would go past the 64 MiB this run may allocate\n"},
		{"hostile-bigint", "sandbox: stopped: int() of a string of 4000000 characters: integers are limited to 65536 bits (20000 digits)\n"},
		{"hostile-cycle", "sandbox: the script failed: a list that contains itself cannot leave the sandbox\n"},
		{"hostile-recursion", "sandbox: stopped: recursion is not allowed in the sandbox (function forever called recursively)\n"},
		{"hostile-thirdhost", `sandbox: the script failed: codeserver: unknown op "fetch_url": the origin offers only echo, products, rates, and a script has no other way out of the sandbox` + "\n"},
		{"hostile-file", "sandbox: the script failed: cannot load os.star: load is refused in the sandbox: a script may use only the names it was granted\n"},
	}
	for _, h := range hostile {
		t.Run(h.script, func(t *testing.T) {
			// A loaded machine is slow: the timeout must not stop a script
			// before the limit it is meant to meet.
			out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub", "--timeout", "1m", h.script)
			assert.Equal(t, 1, code, "exit code")
			assert.Equal(t, h.want, errOut)
			assert.Empty(t, out)
		})
	}

	t.Run("timeout flag", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub",
			"--steps", "1000000000", "--timeout", "100ms", "hostile-loop")
		assert.Equal(t, 1, code)
		assert.Equal(t, "sandbox: stopped: ran longer than 100ms\n", errOut)
	})

	t.Run("list", func(t *testing.T) {
		out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--list")
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "aggregate\ncalculator\nconvert\nhostile-bigint\nhostile-cycle\nhostile-file\nhostile-join\nhostile-loop\nhostile-memory\nhostile-recursion\nhostile-repeat\nhostile-thirdhost\nvalidate-form\n", out)
	})

	t.Run("untrusted key is refused", func(t *testing.T) {
		other := keygen(t, codeserver, "other")
		out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", other+".pub", "calculator")
		assert.Equal(t, 1, code)
		assert.Equal(t, "sandbox: "+sandbox.ErrBadSignature.Error()+"\n", errOut)
		assert.Empty(t, out, "a refused script must not run")
	})
}

func TestTamperedScriptNeverRuns(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--tamper", "calculator")

	out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub", "calculator")
	assert.Equal(t, 1, code)
	assert.Equal(t, "sandbox: "+sandbox.ErrBadSignature.Error()+"\n", errOut)
	assert.Empty(t, out, "a tampered script must not run")

	out, _, code = programtest.Run(t, sandboxBin, "--server", srv.Addr, "--trust", key+".pub", "convert")
	assert.Equal(t, 0, code, "the other scripts are untouched")
	assert.NotEmpty(t, out)
}

func TestRemoteEvaluation(t *testing.T) {
	codeserver, sandboxBin, key := setup(t)
	client := keygen(t, codeserver, "client")
	srv := programtest.StartServer(t, codeserver, "--listen", "127.0.0.1:0", "--key", key+".key", "--trust", client+".pub", "--timeout", "1m")
	priv, err := sandbox.ReadPrivateKey(client + ".key")
	require.NoError(t, err)
	c := newClient(wire.NewNode("client"), srv.Addr)
	t.Cleanup(c.Close)
	ctx := context.Background()

	sign := func(name string, src []byte) runRequest {
		req, err := newRunRequest(priv, name, src)
		require.NoError(t, err)
		return req
	}
	src := []byte(`show("usd", origin.call("rates")["USD"])`)
	t.Run("signed by the trusted key", func(t *testing.T) {
		got, err := c.RunRemote(ctx, sign("rem", src))
		require.NoError(t, err)
		assert.Equal(t, "usd 1.08\n", got.Output)
		assert.Equal(t, sandbox.VerdictFinished, got.Verdict)
		assert.Positive(t, got.Steps)
	})
	t.Run("same limits as the client", func(t *testing.T) {
		loop := []byte("while True:\n    pass\n")
		got, err := c.RunRemote(ctx, sign("loop", loop))
		require.NoError(t, err)
		assert.Equal(t, "stopped: more than 1000000 steps", got.Verdict)
	})
	t.Run("output is bounded", func(t *testing.T) {
		chatty := []byte("while True:\n    show('x' * 1000)\n")
		got, err := c.RunRemote(ctx, sign("chatty", chatty))
		require.NoError(t, err)
		assert.Equal(t, "the script failed: output longer than 64 KiB", got.Verdict)
		assert.LessOrEqual(t, len(got.Output), maxRunOutput)
	})
	tampered := map[string]func(r *runRequest){
		"source":      func(r *runRequest) { r.Src = append(r.Src, '#') },
		"name":        func(r *runRequest) { r.Name = "other" },
		"nonce":       func(r *runRequest) { r.Nonce[0] ^= 1 },
		"time":        func(r *runRequest) { r.Issued = r.Issued.Add(time.Millisecond) },
		"signature":   func(r *runRequest) { r.Sig[0] ^= 1 },
		"script sig.": func(r *runRequest) { r.Sig = signScript(priv, r.Name, r.Src) },
	}
	for what, tamper := range tampered {
		t.Run("tampered "+what+" is refused", func(t *testing.T) {
			req := sign("rem", src)
			tamper(&req)
			_, err := c.RunRemote(ctx, req)
			require.Error(t, err)
			assert.True(t, strings.HasSuffix(err.Error(), sandbox.ErrBadSignature.Error()), err.Error())
		})
	}
	t.Run("unsigned is refused", func(t *testing.T) {
		req := sign("rem", src)
		req.Sig = nil
		_, err := c.RunRemote(ctx, req)
		require.Error(t, err)
		assert.True(t, strings.HasSuffix(err.Error(), sandbox.ErrUnsigned.Error()), err.Error())
	})
	t.Run("sandbox --send", func(t *testing.T) {
		scripts := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(scripts, "rem.star"), src, 0o644))
		out, errOut, code := programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--scripts", scripts, "--send", "rem")
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "usd 1.08\n", out, "what the script showed on the server")

		other := keygen(t, codeserver, "stranger")
		_, errOut, code = programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", other+".key", "--scripts", scripts, "--send", "rem")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "signature", "a script signed by a key the server does not trust")

		_, errOut, code = programtest.Run(t, sandboxBin, "--server", srv.Addr, "--key", client+".key", "--send", "hostile-loop")
		assert.Equal(t, 1, code)
		assert.Equal(t, "sandbox: on the server: stopped: more than 1000000 steps\n", errOut)

		_, errOut, code = programtest.Run(t, sandboxBin, "--server", srv.Addr, "--send", "rem")
		assert.Equal(t, 2, code)
		assert.Equal(t, "sandbox: --send needs --key, the key that signs the script\n", errOut)
	})
}

func TestCommandLine(t *testing.T) {
	codeserver, sandboxBin, _ := setup(t)
	t.Run("codeserver without key, exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, codeserver, "--listen", "127.0.0.1:0")
		assert.Equal(t, 2, code)
		assert.Equal(t, "codeserver: --key FILE is required (make one with: codeserver keygen --out NAME)\n", errOut)
	})
	t.Run("limits out of range, exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, codeserver, "--listen", "127.0.0.1:0", "--key", "demo", "--heap", "0")
		assert.Equal(t, 2, code)
		assert.Equal(t, "codeserver: --heap must be 1 to 65536 MiB, not 0\n", errOut)
		_, errOut, code = programtest.Run(t, sandboxBin, "--trust", "demo", "--timeout", "-1s", "aggregate")
		assert.Equal(t, 2, code)
		assert.Equal(t, "sandbox: --timeout must be more than 0 and at most 1h, not -1s\n", errOut)
	})
	t.Run("sandbox without script, exit 2", func(t *testing.T) {
		_, errOut, code := programtest.Run(t, sandboxBin, "--trust", "x.pub")
		assert.Equal(t, 2, code)
		assert.Equal(t, "sandbox: want --trust PUBKEY and one SCRIPT name (or --list, or --session)\n", errOut)
	})
}
