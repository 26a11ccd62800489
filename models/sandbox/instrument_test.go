package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// plain runs src in Starlark as it comes, without the sandbox's
// instrumentation, and returns what it printed and the first line of its
// error.
func plain(t *testing.T, src string) (string, string) {
	t.Helper()
	var out strings.Builder
	thread := &starlark.Thread{Print: func(_ *starlark.Thread, msg string) { out.WriteString(msg + "\n") }}
	opts := &syntax.FileOptions{While: true, TopLevelControl: true, GlobalReassign: true}
	_, err := starlark.ExecFileOptions(opts, thread, "test", src, nil)
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return out.String(), line
	}
	return out.String(), ""
}

// TestInstrumentedScriptsBehaveAsPlainStarlark runs scripts both plain and
// in the sandbox, whose instrumentation rewrites every operator, slice,
// augmented assignment and allocating method: what they print and how
// they fail must be the same.
func TestInstrumentedScriptsBehaveAsPlainStarlark(t *testing.T) {
	scripts := map[string]string{
		"slices": `l = list(range(10))
s = "hello world"
print(l[::2], l[1:7:3], l[::-1], l[-3:], l[:-3], l[8:2:-2], l[100:], l[-100:2], l[5:1], l[-1:-20:-3])
print(s[::-1], s[2:9:2], s[:], (1, 2, 3)[1:], b"abc"[::-1], range(10)[2:8:3])`,
		"slice step zero":  `print([1, 2][::0])`,
		"slice bad index":  `print([1, 2]["a":])`,
		"slice no operand": `print(1[1:])`,
		"arithmetic": `print(1 + 2 * 3 - 4 // 2, 7 // 2, -7 // 2, 7 % -3, 2 << 10, 1 << 100, (1 << 100) >> 50)
print(5 & 3, 5 | 3, 5 ^ 3, ~5, -(1 << 70), -3, +5, not True, 7 / 2, 2.5 * 2, 10 - 0.5)
print((1 << 64) * (1 << 64), (1 << 80) + 1, (1 << 80) - (1 << 79), (1 << 90) // 3, (1 << 90) % 7)`,
		"strings": `print("%s-%d-%r" % ("a", 3, "b"), "%(x)s" % {"x": 1}, "%d%%" % 5, "a" + "b" + "c", "ab" * 3, 3 * "x", "x" * -1)
print(",".join(["a", "b"]), "a-b".replace("-", "+"), "aaa".replace("a", "b", 2), "{} {x}".format(1, x=2))
print("a b  c".split(), "a,b".split(","), "a,b,c".rsplit(",", 1), "a\nb\r\nc".splitlines(), "ab".upper(), "AB".lower(), "ab cd".title(), "ab".capitalize())`,
		"dicts": `print({"a": 1} | {"b": 2})
d = {}
e = d
d |= {"x": 1}
d |= d
print(e)`,
		"no sets": `print(set([1]))`,
		"in place": `a = [1]
b = a
a += [2]
a += (3,)
a += range(2)
a += a
t = (1,)
u = t
t += (2,)
s = "a"
s += "b"
s *= 3
l = [1]
m = l
l *= 2
n = 10
n -= 3
n //= 2
n <<= 2
f = 7
f /= 2
print(b, t, u, s, l, m, n, f)`,
		"in place on index": `calls = []
def at():
    calls.append(1)
    return 0
l = [5]
l[at()] += 1
d = {"k": 1}
d["k"] += 5
m = [[1]]
m[0][0] *= 3
(m[0])[0] -= 1
print(l, len(calls), d, m)`,
		"in place frozen": `def f():
    l = [1]
    return l
x = f()
x += [2]
print(x)`,
		"locals": `def g():
    x = 1
    x += 2
    return x
print(g())
y = 1
def h():
    y += 1
    return y
print(h())`,
		"methods": `l = [1]
l.extend([2])
l.extend(l)
d = {"a": 1}
print(l, d.items(), d.keys(), d.values())
d.update(b=2)
d.update([("c", 3)])
f = "x".join
print(d, f(["a", "b"]), getattr("x", "join")(["1", "2"]), getattr("x", "nope", 7), hasattr("x", "join"))
print("x".nope)`,
		"builtins": `print(str(1), str("s"), str([1, "a"]), repr("s"), list("ab".elems()), tuple([1]), sorted([3, 1]), sorted([1, 2], reverse=True))
print(list(reversed([1, 2])), dict(a=1), dict([("b", 2)]), list(enumerate(["a", "b"])), list(zip([1], [2])), abs(-3), abs(-(1 << 70)))
print(int("42"), int("ff", 16), int("0x1F", 0), bytes("ab"), type(1), len("abc"))
print(int(" 7 "))`,
		"functions": `f = lambda x=[1] * 2: x
def g(a, b=[0] * 2, *args, **kwargs):
    return a, b, args, kwargs
print(f(), g(1), g(1, 2, 3, k=4), g(*[1, 2], **{"k": 5}))
print([x * 2 for x in range(5) if x % 2 == 0], {k: v + 1 for k, v in [("a", 1)]}, 1 if 2 > 1 else 2)
x = [1, 2]
x[0], x[1] = x[1], x[0]
[p, q] = x
print(x, p, q)`,
		"errors binary": `print("a" + 1)`,
		"errors minus":  `print(1 - "a")`,
		"errors repeat": `print([] * "x")`,
		"errors unary":  `print(-"a")`,
		"errors augment": `x = "a"
x -= 1`,
		"errors join": `print(",".join([1]))`,
		"errors int":  `print(int("x"))`,
		"while and ifs": `n = 0
while n < 10:
    n += 3
    if n % 2 == 0:
        continue
    elif n > 8:
        break
print(n)`,
	}
	for name, src := range scripts {
		t.Run(name, func(t *testing.T) {
			wantOut, wantErr := plain(t, src)
			var out strings.Builder
			_, err := Run(context.Background(), "test", []byte(src), Limits{}, nil, &out)
			assert.Equal(t, wantOut, out.String(), "what the script printed")
			if wantErr == "" {
				assert.NoError(t, err)
				return
			}
			var se *ScriptError
			require.True(t, errors.As(err, &se), "want a script error %q, got %v", wantErr, err)
			assert.Equal(t, "the script failed: "+wantErr, err.Error())
		})
	}
}

func TestRunTurnsAPanicIntoTheRunsError(t *testing.T) {
	broken := starlark.StringDict{"broken": starlark.NewBuiltin("broken", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		panic("a bug in a built-in")
	})}
	res, err := Run(context.Background(), "test", []byte(`broken()`), Limits{}, broken, nil)
	var p *PanicError
	require.True(t, errors.As(err, &p), "got %T: %v", err, err)
	assert.Equal(t, "stopped: the sandbox failed inside (a bug in a built-in)", res.Verdict)

	var out strings.Builder
	_, err = Run(context.Background(), "test", []byte(`print("still", "fine")`), Limits{}, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "still fine\n", out.String())
}
