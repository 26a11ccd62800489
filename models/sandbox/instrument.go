package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Before a script runs, the sandbox instruments it: it rewrites every
// operation that can build a large value into a call of a checked version,
// which charges the run's allocation budget (budget.go) first. A script
// never sees the difference, except that a huge operation is refused:
//
//	s * n           -> $op*(s, n)           (also + - // % & | ^ << >>)
//	-x              -> $unary-(x)           (also ~x)
//	x[lo:hi]        -> $slice(x, lo, hi, None)
//	s.join          -> $attr(s, "join")     (every method of methodCosts)
//	x += y          -> x = $op+=(x, y)      (a list still grows in place)
//	a[f()] += y     -> $obj = a; $key = f(); $obj[$key] = $op+=($obj[$key], y)
//
// The names of the checked versions start with "$", which the scanner
// never accepts in a script's own names, so a script can neither call nor
// replace them. The built-in functions that can build large values (str,
// list, sorted, int, ...) are replaced in the same way, under their own
// names.

// checkedOps are the binary operators that are rewritten: all that compute
// a new value. Comparisons, and, or, in and / (which makes a float) are not.
var checkedOps = []syntax.Token{
	syntax.PLUS, syntax.MINUS, syntax.STAR, syntax.SLASHSLASH, syntax.PERCENT,
	syntax.AMP, syntax.PIPE, syntax.CIRCUMFLEX, syntax.LTLT, syntax.GTGT,
}

func opName(op syntax.Token) string      { return "$op" + op.String() }
func unaryName(op syntax.Token) string   { return "$unary" + op.String() }
func inplaceName(op syntax.Token) string { return "$op" + op.String() + "=" }

const (
	sliceName = "$slice"
	attrName  = "$attr"
	noneName  = "$none"
	objName   = "$obj" // the object of an augmented assignment a[i] += y or a.f += y
	keyName   = "$key" // the index of an augmented assignment a[i] += y
)

// instrumented is what every script sees besides its capabilities: the
// checked operators and the checked built-in functions.
var instrumented = func() starlark.StringDict {
	d := starlark.StringDict{
		sliceName: starlark.NewBuiltin("slice", func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if len(args) != 4 {
				return nil, errors.New("slice: want 4 operands")
			}
			return budgetOf(thread).slice(args[0], args[1], args[2], args[3])
		}),
		attrName: starlark.NewBuiltin("getattr", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if len(args) != 2 {
				return nil, errors.New("getattr: want 2 operands")
			}
			name, _ := starlark.AsString(args[1])
			return checkedAttr(args[0], name)
		}),
		noneName: starlark.None,
		"getattr": starlark.NewBuiltin("getattr", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var x, dflt starlark.Value
			var name string
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &name, &dflt); err != nil {
				return nil, err
			}
			v, err := checkedAttr(x, name)
			if err != nil && dflt != nil {
				return dflt, nil
			}
			return v, err
		}),
	}
	for _, op := range checkedOps {
		d[opName(op)] = binaryOp(op)
	}
	d[inplaceName(syntax.PLUS)] = inplaceAdd
	d[inplaceName(syntax.PIPE)] = inplacePipe
	for _, op := range []syntax.Token{syntax.MINUS, syntax.TILDE} {
		d[unaryName(op)] = unaryOp(op)
	}
	for name, cost := range universeCosts {
		d[name] = checked(name, starlark.Universe[name], nil, cost)
	}
	return d
}()

// binaryOp is the checked version of x op y.
func binaryOp(op syntax.Token) *starlark.Builtin {
	name := "operator " + op.String()
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		if len(args) != 2 {
			return nil, fmt.Errorf("%s: want 2 operands", name)
		}
		if err := budgetOf(thread).checkBinary(name, op, args[0], args[1]); err != nil {
			return nil, err
		}
		return starlark.Binary(op, args[0], args[1])
	})
}

// unaryOp is the checked version of -x and ~x: of an integer, a copy.
func unaryOp(op syntax.Token) *starlark.Builtin {
	name := "operator unary " + op.String()
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("%s: want 1 operand", name)
		}
		if err := budgetOf(thread).charge(name, sizeOf(args[0])); err != nil {
			return nil, err
		}
		return starlark.Unary(op, args[0])
	})
}

// inplaceAdd is the checked x += y. As in Starlark, a list grows in place,
// so every name for it sees the new elements; anything else is x + y.
var inplaceAdd = starlark.NewBuiltin("operator +=", func(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	if len(args) != 2 {
		return nil, errors.New("operator +=: want 2 operands")
	}
	b := budgetOf(thread)
	x, y := args[0], args[1]
	list, isList := x.(*starlark.List)
	more, isIterable := y.(starlark.Iterable)
	if !isList || !isIterable {
		if err := b.checkBinary(fn.Name(), syntax.PLUS, x, y); err != nil {
			return nil, err
		}
		return starlark.Binary(syntax.PLUS, x, y)
	}
	n := lengthOf(y, b.elements(3*valueSize))
	if err := b.charge(fn.Name(), mul(n, 3*valueSize)); err != nil { // the elements, and room to grow
		return nil, err
	}
	// Copy first: l += l must not iterate l while it grows.
	elems := make([]starlark.Value, 0, n)
	for v := range starlark.Elements(more) {
		elems = append(elems, v)
	}
	for _, v := range elems {
		if err := list.Append(v); err != nil {
			return nil, err
		}
	}
	return list, nil
})

// inplacePipe is the checked x |= y: a dict is updated in place.
var inplacePipe = starlark.NewBuiltin("operator |=", func(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	if len(args) != 2 {
		return nil, errors.New("operator |=: want 2 operands")
	}
	b := budgetOf(thread)
	x, y := args[0], args[1]
	dict, isDict := x.(*starlark.Dict)
	other, otherDict := y.(*starlark.Dict)
	if !isDict || !otherDict {
		if err := b.checkBinary(fn.Name(), syntax.PIPE, x, y); err != nil {
			return nil, err
		}
		return starlark.Binary(syntax.PIPE, x, y)
	}
	if err := b.charge(fn.Name(), mul(int64(other.Len()), 2*entrySize)); err != nil {
		return nil, err
	}
	for _, kv := range other.Items() { // a copy: d |= d must not iterate d while it changes
		if err := dict.SetKey(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	return dict, nil
})

// checkedAttr is x.name, with the methods of methodCosts checked.
func checkedAttr(x starlark.Value, name string) (starlark.Value, error) {
	h, ok := x.(starlark.HasAttrs)
	if !ok {
		return nil, fmt.Errorf("%s has no .%s field or method", x.Type(), name)
	}
	v, err := h.Attr(name)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("%s has no .%s field or method", x.Type(), name)
	}
	if cost, ok := methodCosts[x.Type()+"."+name]; ok {
		return checked(name, v, x, cost), nil
	}
	return v, nil
}

// instrument rewrites the statements of f as described at the top of this
// file. It must run before f is resolved.
func instrument(f *syntax.File) {
	f.Stmts = stmts(f.Stmts)
}

func stmts(list []syntax.Stmt) []syntax.Stmt {
	out := make([]syntax.Stmt, 0, len(list))
	for _, s := range list {
		out = append(out, stmt(s)...)
	}
	return out
}

func stmt(s syntax.Stmt) []syntax.Stmt {
	switch s := s.(type) {
	case *syntax.ExprStmt:
		s.X = expr(s.X)
	case *syntax.AssignStmt:
		if s.Op != syntax.EQ {
			return augmented(s)
		}
		s.LHS = target(s.LHS)
		s.RHS = expr(s.RHS)
	case *syntax.IfStmt:
		s.Cond = expr(s.Cond)
		s.True = stmts(s.True)
		s.False = stmts(s.False)
	case *syntax.ForStmt:
		s.Vars = target(s.Vars)
		s.X = expr(s.X)
		s.Body = stmts(s.Body)
	case *syntax.WhileStmt:
		s.Cond = expr(s.Cond)
		s.Body = stmts(s.Body)
	case *syntax.ReturnStmt:
		if s.Result != nil {
			s.Result = expr(s.Result)
		}
	case *syntax.DefStmt:
		params(s.Params)
		s.Body = stmts(s.Body)
	}
	return []syntax.Stmt{s}
}

// augmented rewrites x op= y into x = $op=(x, y). The address of x (an
// object and an index or field name) is evaluated once, into temporaries,
// as Starlark itself does.
func augmented(s *syntax.AssignStmt) []syntax.Stmt {
	op := s.Op - syntax.PLUS_EQ + syntax.PLUS // += to +, -= to -, ...
	if !slices.Contains(checkedOps, op) {
		s.LHS, s.RHS = target(s.LHS), expr(s.RHS) // x /= y makes a float
		return []syntax.Stmt{s}
	}
	fn := opName(op)
	if op == syntax.PLUS || op == syntax.PIPE {
		fn = inplaceName(op)
	}
	rhs := expr(s.RHS)
	assign := func(lhs, current syntax.Expr) *syntax.AssignStmt {
		return &syntax.AssignStmt{OpPos: s.OpPos, Op: syntax.EQ, LHS: lhs, RHS: call(fn, s.OpPos, current, rhs)}
	}
	lhs := s.LHS
	for p, ok := lhs.(*syntax.ParenExpr); ok; p, ok = lhs.(*syntax.ParenExpr) {
		lhs = p.X
	}
	switch lhs := lhs.(type) {
	case *syntax.IndexExpr:
		obj, key := ident(objName, lhs.Lbrack), ident(keyName, lhs.Lbrack)
		at := func() *syntax.IndexExpr {
			return &syntax.IndexExpr{X: ident(objName, lhs.Lbrack), Lbrack: lhs.Lbrack, Y: ident(keyName, lhs.Lbrack), Rbrack: lhs.Rbrack}
		}
		return []syntax.Stmt{
			&syntax.AssignStmt{OpPos: s.OpPos, Op: syntax.EQ, LHS: obj, RHS: expr(lhs.X)},
			&syntax.AssignStmt{OpPos: s.OpPos, Op: syntax.EQ, LHS: key, RHS: expr(lhs.Y)},
			assign(at(), at()),
		}
	case *syntax.DotExpr:
		field := func() *syntax.DotExpr {
			return &syntax.DotExpr{X: ident(objName, lhs.Dot), Dot: lhs.Dot, NamePos: lhs.NamePos, Name: ident(lhs.Name.Name, lhs.NamePos)}
		}
		return []syntax.Stmt{
			&syntax.AssignStmt{OpPos: s.OpPos, Op: syntax.EQ, LHS: ident(objName, lhs.Dot), RHS: expr(lhs.X)},
			assign(field(), field()),
		}
	case *syntax.Ident:
		return []syntax.Stmt{assign(lhs, ident(lhs.Name, lhs.NamePos))}
	}
	return []syntax.Stmt{s} // the resolver reports what else is on the left
}

// target rewrites what is inside an assignment's target, not the target.
func target(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case *syntax.IndexExpr:
		e.X, e.Y = expr(e.X), expr(e.Y)
	case *syntax.DotExpr:
		e.X = expr(e.X)
	case *syntax.ParenExpr:
		e.X = target(e.X)
	case *syntax.ListExpr:
		for i := range e.List {
			e.List[i] = target(e.List[i])
		}
	case *syntax.TupleExpr:
		for i := range e.List {
			e.List[i] = target(e.List[i])
		}
	}
	return e
}

// params rewrites the default values of a def's or lambda's parameters.
func params(list []syntax.Expr) {
	for _, p := range list {
		if b, ok := p.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
			b.Y = expr(b.Y)
		}
	}
}

func expr(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case *syntax.BinaryExpr:
		e.X, e.Y = expr(e.X), expr(e.Y)
		if slices.Contains(checkedOps, e.Op) {
			return call(opName(e.Op), e.OpPos, e.X, e.Y)
		}
	case *syntax.UnaryExpr:
		if e.X != nil {
			e.X = expr(e.X)
		}
		if e.Op == syntax.MINUS || e.Op == syntax.TILDE {
			return call(unaryName(e.Op), e.OpPos, e.X)
		}
	case *syntax.SliceExpr:
		part := func(p syntax.Expr) syntax.Expr {
			if p == nil {
				return ident(noneName, e.Lbrack)
			}
			return expr(p)
		}
		return call(sliceName, e.Lbrack, expr(e.X), part(e.Lo), part(e.Hi), part(e.Step))
	case *syntax.DotExpr:
		e.X = expr(e.X)
		if guardedMethods[e.Name.Name] {
			name := &syntax.Literal{Token: syntax.STRING, TokenPos: e.NamePos, Raw: strconv.Quote(e.Name.Name), Value: e.Name.Name}
			return call(attrName, e.Dot, e.X, name)
		}
	case *syntax.CallExpr:
		e.Fn = expr(e.Fn)
		for i, a := range e.Args {
			switch a := a.(type) {
			case *syntax.BinaryExpr: // name=value
				if a.Op == syntax.EQ {
					a.Y = expr(a.Y)
					continue
				}
			case *syntax.UnaryExpr: // *args, **kwargs
				if a.Op == syntax.STAR || a.Op == syntax.STARSTAR {
					a.X = expr(a.X)
					continue
				}
			}
			e.Args[i] = expr(a)
		}
	case *syntax.IndexExpr:
		e.X, e.Y = expr(e.X), expr(e.Y)
	case *syntax.ParenExpr:
		e.X = expr(e.X)
	case *syntax.ListExpr:
		for i := range e.List {
			e.List[i] = expr(e.List[i])
		}
	case *syntax.TupleExpr:
		for i := range e.List {
			e.List[i] = expr(e.List[i])
		}
	case *syntax.DictExpr:
		for _, entry := range e.List {
			expr(entry)
		}
	case *syntax.DictEntry:
		e.Key, e.Value = expr(e.Key), expr(e.Value)
	case *syntax.CondExpr:
		e.Cond, e.True, e.False = expr(e.Cond), expr(e.True), expr(e.False)
	case *syntax.Comprehension:
		e.Body = expr(e.Body)
		for _, c := range e.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				c.Vars = target(c.Vars)
				c.X = expr(c.X)
			case *syntax.IfClause:
				c.Cond = expr(c.Cond)
			}
		}
	case *syntax.LambdaExpr:
		params(e.Params)
		e.Body = expr(e.Body)
	}
	return e
}

// call makes the expression fn(args...) at pos, so that an error of the
// call points to the operator it replaced.
func call(fn string, pos syntax.Position, args ...syntax.Expr) *syntax.CallExpr {
	return &syntax.CallExpr{Fn: ident(fn, pos), Lparen: pos, Args: args, Rparen: pos}
}

func ident(name string, pos syntax.Position) *syntax.Ident {
	return &syntax.Ident{NamePos: pos, Name: name}
}
