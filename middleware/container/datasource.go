package container

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"dsdemo/models/sandbox"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// The data source is a resource the container owns and injects: a
// component never opens a database, it finds db among its names when its
// descriptor asks for it, and every query runs in the transaction the
// container began for the call (or without one, as the method's
// transaction attribute says). The component never sees begin, commit or
// rollback: that is declarative transaction management.

// maxRows bounds what one query returns to a script.
const maxRows = 1000

// dataSource is the container's SQLite database.
type dataSource struct{ db *sql.DB }

func openDataSource(dir string) (*dataSource, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, "container.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	// One connection: SQLite has one writer at a time anyway, and a
	// transaction holds the connection until the container ends it.
	db.SetMaxOpenConns(1)
	return &dataSource{db: db}, nil
}

func (ds *dataSource) close() error { return ds.db.Close() }

// querier is what a query runs on: the call's transaction or the database.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// binding is the db one instance sees. The container sets tx before each
// call and clears it after; an instance serves one call at a time.
type binding struct {
	ds *dataSource
	tx *sql.Tx // nil: the call runs without a transaction
}

func (b *binding) on() querier {
	if b.tx != nil {
		return b.tx
	}
	return b.ds.db
}

// module is db as the script sees it: db.query(SQL, args...) returns a
// list of dicts, db.exec(SQL, args...) the number of rows changed.
func (b *binding) module() *starlarkstruct.Module {
	return &starlarkstruct.Module{Name: "db", Members: starlark.StringDict{
		"query": starlark.NewBuiltin("db.query", b.query),
		"exec":  starlark.NewBuiltin("db.exec", b.exec),
	}}
}

func sqlArgs(fn string, args starlark.Tuple) (string, []any, error) {
	if len(args) == 0 {
		return "", nil, fmt.Errorf("%s needs an SQL statement", fn)
	}
	q, ok := starlark.AsString(args[0])
	if !ok {
		return "", nil, fmt.Errorf("%s: the statement must be a string", fn)
	}
	var out []any
	for _, a := range args[1:] {
		v, err := sandbox.ToGo(a)
		if err != nil {
			return "", nil, err
		}
		out = append(out, v)
	}
	return q, out, nil
}

func (b *binding) exec(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	q, params, err := sqlArgs(fn.Name(), args)
	if err != nil {
		return nil, err
	}
	return sandbox.Wait(thread, func(ctx context.Context) (starlark.Value, error) {
		res, err := b.on().ExecContext(ctx, q, params...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn.Name(), err)
		}
		n, _ := res.RowsAffected()
		return starlark.MakeInt64(n), nil
	})
}

func (b *binding) query(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	q, params, err := sqlArgs(fn.Name(), args)
	if err != nil {
		return nil, err
	}
	return sandbox.Wait(thread, func(ctx context.Context) (starlark.Value, error) {
		rows, err := b.on().QueryContext(ctx, q, params...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn.Name(), err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		out := []any{}
		for rows.Next() {
			if len(out) == maxRows {
				return nil, fmt.Errorf("%s: more than %d rows", fn.Name(), maxRows)
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			row := map[string]any{}
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b)
				}
				row[c] = vals[i]
			}
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", fn.Name(), err)
		}
		return sandbox.FromGo(out)
	})
}
