package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"go.starlark.net/starlark"
)

// Values that cross between a script and the world outside (the network,
// a database, a file) are bounded: a script could otherwise hand a built-in
// such as mobile code's origin.call a list that contains itself (the
// conversion would never end, and the program would die when its stack
// ran out) or range(1 << 40) (a trillion numbers).
const (
	maxValueDepth = 32        // levels of nesting: lists in dicts in lists...
	MaxValueSize  = 256 << 10 // bytes of data in one value leaving the sandbox, as ToGo counts them
)

// ToGo turns a Starlark value into plain data (nil, bool, int64, float64,
// string, []any, map[string]any) that can travel as JSON. Functions and
// other values that are not data cannot leave the sandbox, nor can values
// nested deeper than maxValueDepth, larger than MaxValueSize (a string
// counts its bytes, anything else 8) or containing themselves.
func ToGo(v starlark.Value) (any, error) {
	c := toGo{inside: map[starlark.Value]bool{}}
	return c.convert(v, 0)
}

type toGo struct {
	size   int                     // bytes counted so far
	inside map[starlark.Value]bool // the lists and dicts being converted
}

// count adds n bytes, or refuses when the value grows past MaxValueSize.
func (c *toGo) count(n int) error {
	if n > MaxValueSize-c.size {
		return fmt.Errorf("a value of more than %d KiB is too large to leave the sandbox", MaxValueSize>>10)
	}
	c.size += n
	return nil
}

func (c *toGo) convert(v starlark.Value, depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("a value nested deeper than %d levels cannot leave the sandbox", maxValueDepth)
	}
	if err := c.count(8); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(v), nil
	case starlark.Int:
		if i, ok := v.Int64(); ok {
			return i, nil
		}
		return nil, errors.New("an integer beyond 64 bits is too large to send")
	case starlark.Float:
		return float64(v), nil
	case starlark.String:
		if err := c.count(len(v)); err != nil {
			return nil, err
		}
		return string(v), nil
	case *starlark.List, *starlark.Dict:
		if c.inside[v] {
			return nil, fmt.Errorf("a %s that contains itself cannot leave the sandbox", v.Type())
		}
		c.inside[v] = true
		defer delete(c.inside, v)
	}
	switch v := v.(type) {
	case starlark.Indexable: // list, tuple and range
		if err := c.count(8 * v.Len()); err != nil { // before the slice is made
			return nil, err
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := c.convert(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case *starlark.Dict:
		if err := c.count(8 * v.Len()); err != nil {
			return nil, err
		}
		out := make(map[string]any, v.Len())
		for k, x := range starlark.Entries(v) {
			key, ok := k.(starlark.String)
			if !ok {
				return nil, fmt.Errorf("dict key %s is not a string", firstChars(k.String()))
			}
			if err := c.count(len(key)); err != nil {
				return nil, err
			}
			gx, err := c.convert(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[string(key)] = gx
		}
		return out, nil
	}
	return nil, fmt.Errorf("a %s cannot leave the sandbox", v.Type())
}

// firstChars shortens s for an error message.
func firstChars(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// FromGo turns JSON-decoded data into a Starlark value. Whole numbers become
// ints, so a script can use them as counts and indexes. Data nested deeper
// than maxValueDepth is refused; its size is bounded by the wire frame it
// came in.
func FromGo(x any) (starlark.Value, error) { return fromGo(x, 0) }

func fromGo(x any, depth int) (starlark.Value, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("a value nested deeper than %d levels cannot enter the sandbox", maxValueDepth)
	}
	switch x := x.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(x), nil
	case int:
		return starlark.MakeInt(x), nil
	case int64:
		return starlark.MakeInt64(x), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return starlark.MakeInt64(int64(x)), nil
		}
		return starlark.Float(x), nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return starlark.MakeInt64(i), nil
		}
		f, err := x.Float64()
		return starlark.Float(f), err
	case string:
		return starlark.String(x), nil
	case []any:
		elems := make([]starlark.Value, len(x))
		for i, e := range x {
			v, err := fromGo(e, depth+1)
			if err != nil {
				return nil, err
			}
			elems[i] = v
		}
		return starlark.NewList(elems), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // a script sees the same order every time
		d := starlark.NewDict(len(x))
		for _, k := range keys {
			v, err := fromGo(x[k], depth+1)
			if err != nil {
				return nil, err
			}
			if err := d.SetKey(starlark.String(k), v); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	return nil, fmt.Errorf("cannot turn a %T into a Starlark value", x)
}
