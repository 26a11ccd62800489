package sandbox

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Steps bound time, not memory: 'x' * (1 << 29) is one step that takes half
// a gigabyte, and int('9' * 4000000) is one step that computes for half a
// minute. A watchdog that samples the heap sees such a step only after it
// has happened. So every run has an allocation budget (Limits.Heap bytes),
// and every operation that can build a large value says first what it would
// allocate; one that would go past the budget is refused before it takes
// any memory. The budget counts what a run allocates, garbage included:
// building a long string with += in a loop pays for every copy (join pays
// once). Each run has its own budget, so runs at the same time do not eat
// each other's memory.
//
// Starlark has no hook for this, so the sandbox makes one (instrument.go):
// it rewrites each such operation of the script into a call of a checked
// version, defined here. Integers are limited too, to maxIntBits, so that
// arithmetic and int() of a string stay fast.

// maxIntBits is the size of the largest integer a script may make.
const maxIntBits = 1 << 16

// maxIntDigits is the longest string int() converts: enough for any
// integer of maxIntBits in base 10.
const maxIntDigits = 20_000

// What values cost, in bytes, for the budget's estimates.
const (
	valueSize = 16 // one element of a list or tuple: an interface value
	entrySize = 64 // one entry of a dict or set, with its share of the table
	pairSize  = 64 // a 2-tuple, as enumerate and items make them
)

// AllocLimitError: an operation would have taken the run past its
// allocation budget. It was refused before it allocated.
type AllocLimitError struct {
	Op    string // the refused operation: "operator *", "join", "slice"
	Limit uint64 // the budget, Limits.Heap
}

func (e *AllocLimitError) Error() string {
	return fmt.Sprintf("stopped: %s would go past the %d MiB this run may allocate", e.Op, e.Limit>>20)
}

// IntLimitError: an operation would have made an integer larger than
// maxIntBits, or int() was given a string longer than any such integer.
type IntLimitError struct {
	Op   string // the refused operation
	What string // what it would have made or was given
}

func (e *IntLimitError) Error() string {
	return fmt.Sprintf("stopped: %s %s: integers are limited to %d bits (%d digits)", e.Op, e.What, maxIntBits, maxIntDigits)
}

// budget is what one run may still allocate. Only the run's own goroutine
// touches it, so it needs no lock.
type budget struct {
	left  int64
	limit uint64
}

func newBudget(limit uint64) *budget {
	return &budget{left: int64(min(limit, math.MaxInt64)), limit: limit}
}

// budgetKey is the thread-local name of a run's budget.
const budgetKey = "sandbox.budget"

func budgetOf(thread *starlark.Thread) *budget {
	if b, ok := thread.Local(budgetKey).(*budget); ok {
		return b
	}
	return &budget{} // a thread without a budget may allocate nothing
}

// charge takes n bytes from the budget, or refuses op.
func (b *budget) charge(op string, n int64) error {
	if n < 0 || n > b.left {
		return &AllocLimitError{Op: op, Limit: b.limit}
	}
	b.left -= n
	return nil
}

// used is how many bytes the run has been charged.
func (b *budget) used() uint64 { return uint64(int64(min(b.limit, math.MaxInt64)) - b.left) }

// mul and add saturate instead of wrapping, so that an absurd estimate
// stays absurd.
func mul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// intBits is the size of an integer.
func intBits(i starlark.Int) int64 {
	if small, ok := i.Int64(); ok {
		if small < 0 {
			small = -small // MinInt64 stays negative, and uint64 makes it 1 << 63
		}
		return int64(bits.Len64(uint64(small)))
	}
	return int64(i.BigInt().BitLen())
}

// sizeOf is what a copy of v's top level costs.
func sizeOf(v starlark.Value) int64 {
	switch v := v.(type) {
	case starlark.String:
		return int64(len(v))
	case starlark.Bytes:
		return int64(len(v))
	case starlark.Int:
		return intBits(v) / 8
	case starlark.Tuple:
		return int64(len(v)) * valueSize
	case *starlark.List:
		return int64(v.Len()) * valueSize
	case *starlark.Dict:
		return int64(v.Len()) * entrySize
	}
	return 0
}

// lengthOf is the number of elements of an iterable, counting at most
// limit+1 of them when it does not know its length.
func lengthOf(v starlark.Value, limit int64) int64 {
	if n := starlark.Len(v); n >= 0 {
		return int64(n)
	}
	it, ok := v.(starlark.Iterable)
	if !ok {
		return 0
	}
	iter := it.Iterate()
	defer iter.Done()
	var n int64
	var x starlark.Value
	for n <= limit && iter.Next(&x) {
		n++
	}
	return n
}

// elements is how many elements of elemSize bytes each the rest of the
// budget would hold, plus one: an iterable longer than that is refused
// without being counted to its end.
func (b *budget) elements(elemSize int64) int64 { return b.left/elemSize + 1 }

// textSize is the length of str(v) (quoted false) or repr(v) (quoted
// true), counted until it passes limit. A list that contains itself is
// printed as [...], as Starlark does.
func textSize(v starlark.Value, quoted bool, limit int64) int64 {
	c := textCounter{limit: limit, inside: map[starlark.Value]bool{}}
	c.add(v, quoted)
	return c.n
}

type textCounter struct {
	n, limit int64
	inside   map[starlark.Value]bool // the lists and dicts being counted
}

func (c *textCounter) add(v starlark.Value, quoted bool) {
	if c.n > c.limit {
		return
	}
	switch v := v.(type) {
	case starlark.String:
		if quoted {
			c.n = add(c.n, 4*int64(len(v))+2) // an escape is at most 4 bytes per byte
		} else {
			c.n = add(c.n, int64(len(v)))
		}
	case starlark.Bytes:
		c.n = add(c.n, 4*int64(len(v))+3)
	case starlark.Int:
		c.n += intBits(v)/3 + 2
	case starlark.Tuple:
		c.n += 2
		for _, x := range v {
			c.n += 2
			c.add(x, true)
		}
	case *starlark.List, *starlark.Dict:
		if c.inside[v] {
			c.n += 5
			return
		}
		c.inside[v] = true
		defer delete(c.inside, v)
		c.n += 8
		if d, ok := v.(*starlark.Dict); ok {
			for k, x := range starlark.Entries(d) {
				c.n += 4
				c.add(k, true)
				c.add(x, true)
				if c.n > c.limit {
					return
				}
			}
			return
		}
		for x := range starlark.Elements(v.(starlark.Iterable)) {
			c.n += 2
			c.add(x, true)
			if c.n > c.limit {
				return
			}
		}
	default:
		// None, bools, floats, functions, modules, ranges: short. A string's
		// elems() and codepoints() print the string.
		c.n += 64
		if n := starlark.Len(v); n > 0 && v.Type() != "range" {
			c.n = add(c.n, 4*int64(n))
		}
	}
}

// textsSize is textSize of each value, separated by one byte.
func textsSize(args starlark.Tuple, quoted bool, limit int64) int64 {
	var n int64
	for _, a := range args {
		n = add(n, textSize(a, quoted, limit)+1)
		if n > limit {
			break
		}
	}
	return n
}

// costFunc estimates what a built-in or method called with args would
// allocate. recv is a method's receiver (nil for a built-in). It need not
// check the arguments: when they are wrong, the call itself says so.
type costFunc func(b *budget, recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) (int64, error)

// checked wraps orig so that its cost is charged to the run's budget before
// it runs.
func checked(name string, orig starlark.Value, recv starlark.Value, cost costFunc) *starlark.Builtin {
	b := starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		bud := budgetOf(thread)
		n, err := cost(bud, recv, args, kwargs)
		if err != nil {
			return nil, err
		}
		if err := bud.charge(name, n); err != nil {
			return nil, err
		}
		return starlark.Call(thread, orig, args, kwargs)
	})
	if recv != nil {
		return b.BindReceiver(recv)
	}
	return b
}

// universeCosts are the built-in functions that can build a large value.
var universeCosts = map[string]costFunc{
	"str": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) != 1 {
			return 0, nil
		}
		if _, ok := args[0].(starlark.String); ok {
			return 0, nil // str of a string is the string itself
		}
		return textSize(args[0], false, b.left), nil
	},
	"repr": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		return textsSize(args, true, b.left), nil
	},
	"print": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		return textsSize(args, false, b.left), nil
	},
	"fail": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		return textsSize(args, false, b.left), nil
	},
	"bytes": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) != 1 {
			return 0, nil
		}
		if s, ok := args[0].(starlark.String); ok {
			return int64(len(s)), nil
		}
		return lengthOf(args[0], b.elements(1)), nil
	},
	"list":     perElement(2 * valueSize),
	"tuple":    perElement(valueSize),
	"sorted":   perElement(2 * valueSize),
	"reversed": perElement(valueSize),
	"dict": func(b *budget, _ starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) (int64, error) {
		n := int64(len(kwargs))
		if len(args) == 1 {
			n = add(n, lengthOf(args[0], b.elements(entrySize)))
		}
		return mul(n, entrySize), nil
	},
	"enumerate": perElement(valueSize + pairSize),
	"zip": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) == 0 {
			return 0, nil
		}
		per := valueSize + valueSize*int64(len(args)) + 24 // a tuple of len(args) per element
		n := int64(math.MaxInt64)
		for _, a := range args {
			n = min(n, lengthOf(a, b.elements(per)))
		}
		return mul(n, per), nil
	},
	"abs": func(_ *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) == 1 {
			return sizeOf(args[0]), nil
		}
		return 0, nil
	},
	"int": func(_ *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) > 0 {
			if s, ok := starlark.AsString(args[0]); ok && len(s) > maxIntDigits {
				return 0, &IntLimitError{Op: "int()", What: fmt.Sprintf("of a string of %d characters", len(s))}
			}
		}
		return 0, nil
	},
}

// perElement is the cost of a built-in that makes one value per element of
// its first argument.
func perElement(size int64) costFunc {
	return func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) == 0 {
			return 0, nil
		}
		return mul(lengthOf(args[0], b.elements(size)), size), nil
	}
}

// methodCosts are the methods that can build a large value, by receiver
// type and name.
var methodCosts = map[string]costFunc{
	"string.join":       stringJoin,
	"string.replace":    stringReplace,
	"string.format":     stringFormat,
	"string.split":      stringSplit,
	"string.rsplit":     stringSplit,
	"string.splitlines": stringSplitlines,
	"string.lower":      twiceTheString,
	"string.upper":      twiceTheString,
	"string.title":      twiceTheString,
	"string.capitalize": twiceTheString,
	"list.extend": func(b *budget, _ starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		if len(args) != 1 {
			return 0, nil
		}
		return mul(lengthOf(args[0], b.elements(2*valueSize)), 2*valueSize), nil // append may double the capacity
	},
	"dict.items":  receiverElements(valueSize + pairSize),
	"dict.keys":   receiverElements(valueSize),
	"dict.values": receiverElements(valueSize),
	"dict.update": func(b *budget, _ starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) (int64, error) {
		n := int64(len(kwargs))
		for _, a := range args {
			n = add(n, lengthOf(a, b.elements(entrySize)))
		}
		return mul(n, entrySize), nil
	},
}

// guardedMethods are the names after a dot that instrument sends through
// the checked attribute lookup: every name of methodCosts.
var guardedMethods = func() map[string]bool {
	names := map[string]bool{}
	for key := range methodCosts {
		_, name, _ := strings.Cut(key, ".")
		names[name] = true
	}
	return names
}()

func stringJoin(b *budget, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
	if len(args) != 1 {
		return 0, nil
	}
	sep := int64(len(recv.(starlark.String)))
	it, ok := args[0].(starlark.Iterable)
	if !ok {
		return 0, nil
	}
	var n int64
	for x := range starlark.Elements(it) {
		s, ok := x.(starlark.String)
		if !ok {
			break // join itself refuses it
		}
		n = add(n, int64(len(s))+sep)
		if n > b.left {
			break
		}
	}
	return n, nil
}

func stringReplace(_ *budget, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
	s := string(recv.(starlark.String))
	var old, new string
	count := -1
	if err := starlark.UnpackPositionalArgs("replace", args, nil, 2, &old, &new, &count); err != nil {
		return 0, nil
	}
	n := int64(strings.Count(s, old))
	if count >= 0 {
		n = min(n, int64(count))
	}
	return max(int64(len(s))+mul(n, int64(len(new)-len(old))), int64(len(s))), nil
}

func stringFormat(b *budget, recv starlark.Value, args starlark.Tuple, kwargs []starlark.Tuple) (int64, error) {
	format := string(recv.(starlark.String))
	quoted := strings.Contains(format, "!r")
	var largest int64
	for _, a := range args {
		largest = max(largest, textSize(a, quoted, b.left))
	}
	for _, kv := range kwargs {
		largest = max(largest, textSize(kv[1], quoted, b.left))
	}
	return add(int64(len(format)), mul(int64(strings.Count(format, "{")), largest)), nil
}

func stringSplit(_ *budget, recv starlark.Value, args starlark.Tuple, _ []starlark.Tuple) (int64, error) {
	s := string(recv.(starlark.String))
	n := int64(len(s)/2 + 1) // split on white space: at most every other byte starts a field
	if len(args) > 0 {
		if sep, ok := args[0].(starlark.String); ok && sep != "" {
			n = int64(strings.Count(s, string(sep)) + 1)
		}
	}
	return n * (valueSize + 16), nil
}

func stringSplitlines(_ *budget, recv starlark.Value, _ starlark.Tuple, _ []starlark.Tuple) (int64, error) {
	s := string(recv.(starlark.String))
	return int64(strings.Count(s, "\n")+strings.Count(s, "\r")+1) * (valueSize + 16), nil
}

// twiceTheString is the cost of a case mapping, whose result may be longer
// than the string for some letters.
func twiceTheString(_ *budget, recv starlark.Value, _ starlark.Tuple, _ []starlark.Tuple) (int64, error) {
	return 2 * int64(len(recv.(starlark.String))), nil
}

func receiverElements(size int64) costFunc {
	return func(_ *budget, recv starlark.Value, _ starlark.Tuple, _ []starlark.Tuple) (int64, error) {
		return mul(int64(starlark.Len(recv)), size), nil
	}
}

// checkBinary charges the cost of x op y, or refuses it.
func (b *budget) checkBinary(name string, op syntax.Token, x, y starlark.Value) error {
	xi, xInt := x.(starlark.Int)
	yi, yInt := y.(starlark.Int)
	if xInt && yInt {
		bits := intResultBits(op, xi, yi)
		if bits > maxIntBits {
			return &IntLimitError{Op: name, What: fmt.Sprintf("would make an integer of about %d bits", bits)}
		}
		if bits <= 64 {
			return nil // a small integer allocates nothing
		}
		return b.charge(name, bits/8+32)
	}
	cost := add(sizeOf(x), sizeOf(y))
	switch op {
	case syntax.STAR:
		if n, seq, ok := repetition(x, y); ok {
			cost = mul(sizeOf(seq), n)
		}
	case syntax.PERCENT:
		if format, ok := x.(starlark.String); ok {
			cost = formatCost(b, string(format), y)
		}
	}
	return b.charge(name, cost)
}

// intResultBits is about how large x op y will be.
func intResultBits(op syntax.Token, x, y starlark.Int) int64 {
	bx, by := intBits(x), intBits(y)
	switch op {
	case syntax.PLUS, syntax.MINUS:
		return max(bx, by) + 1
	case syntax.STAR:
		return bx + by
	case syntax.LTLT:
		if shift, ok := y.Int64(); ok && shift > 0 {
			return bx + min(shift, 512) // Starlark refuses larger shifts
		}
		return bx
	}
	return max(bx, by)
}

// repetition recognises seq * n and n * seq.
func repetition(x, y starlark.Value) (n int64, seq starlark.Value, ok bool) {
	count, isInt := y.(starlark.Int)
	seq = x
	if !isInt {
		count, isInt = x.(starlark.Int)
		seq = y
	}
	if !isInt {
		return 0, nil, false
	}
	switch seq.(type) {
	case starlark.String, starlark.Bytes, starlark.Tuple, *starlark.List:
	default:
		return 0, nil, false
	}
	n, fits := count.Int64()
	if !fits {
		n = math.MaxInt64
	}
	return n, seq, true
}

// formatCost is the cost of format % args: each % directive may print the
// largest of the arguments.
func formatCost(b *budget, format string, args starlark.Value) int64 {
	var values []starlark.Value
	switch a := args.(type) {
	case starlark.Tuple:
		values = a
	case *starlark.Dict:
		for _, v := range starlark.Entries(a) {
			values = append(values, v)
		}
	default:
		values = []starlark.Value{a}
	}
	quoted := strings.Contains(format, "%r")
	var largest int64
	for _, v := range values {
		largest = max(largest, textSize(v, quoted, b.left))
	}
	return add(int64(len(format)), mul(int64(strings.Count(format, "%")), largest))
}

// slice is x[lo:hi:step] with its cost charged first: a list or tuple
// copies its elements; a string or bytes copies only for a step other than
// 1 (with step 1 the slice shares the bytes). The bounds follow Starlark's
// own rules for slices (starlark/eval.go), error messages included.
func (b *budget) slice(x, lo, hi, step starlark.Value) (starlark.Value, error) {
	sliceable, ok := x.(starlark.Sliceable)
	if !ok {
		return nil, fmt.Errorf("invalid slice operand %s", x.Type())
	}
	n := sliceable.Len()
	st := 1
	if step != starlark.None {
		var err error
		if st, err = starlark.AsInt32(step); err != nil {
			return nil, fmt.Errorf("invalid slice step: %s", err)
		}
		if st == 0 {
			return nil, errors.New("zero is not a valid slice step")
		}
	}
	// An index -n <= i < 0 counts from the end; the rest is clamped.
	index := func(v starlark.Value, which string, dflt int) (int, error) {
		if v == starlark.None {
			return dflt, nil
		}
		i, err := starlark.AsInt32(v)
		if err != nil {
			return 0, fmt.Errorf("invalid %s index: %s", which, err)
		}
		if i < 0 {
			i += n
		}
		return i, nil
	}
	var start, end, count int
	var err error
	if st > 0 {
		if start, err = index(lo, "start", 0); err != nil {
			return nil, err
		}
		if end, err = index(hi, "end", n); err != nil {
			return nil, err
		}
		start, end = min(max(start, 0), n), min(max(end, 0), n)
		end = max(end, start)
		count = (end - start + st - 1) / st
	} else {
		if start, err = index(lo, "start", n-1); err != nil {
			return nil, err
		}
		if end, err = index(hi, "end", -1); err != nil {
			return nil, err
		}
		start, end = min(start, n-1), max(end, -1)
		start = max(start, end)
		count = (start - end - st - 1) / -st
	}
	var per int64
	switch x.(type) {
	case *starlark.List, starlark.Tuple:
		per = valueSize
	case starlark.String, starlark.Bytes:
		if st != 1 {
			per = 1 // a byte each; with step 1 the slice shares the bytes
		}
	}
	if err := b.charge("slice", mul(int64(count), per)); err != nil {
		return nil, err
	}
	return sliceable.Slice(start, end, st), nil
}
