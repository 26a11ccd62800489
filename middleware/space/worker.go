package space

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// WorkerConfig is the worker program's command line.
type WorkerConfig struct {
	Space    string        // the space's address
	TxnLease time.Duration // the lease of each transaction; the worker renews it while it lives
	Wait     time.Duration // how long one take waits for a task
	Work     time.Duration // extra time per tile, of protocol time, so the class can watch
	Timeout  time.Duration // how long to wait for the space's answer
	Tiles    int           // stop after this many tiles; 0: never
}

// RunWorker is the worker program: again and again it begins a
// transaction, takes a task under it, computes the tile, writes the
// result under it and commits. It renews the transaction's lease while it
// waits and works; when it dies the renewals stop, the lease runs out, the
// space aborts the transaction and the task is back for another worker.
func RunWorker(ctx context.Context, env *program.Env, cfg WorkerConfig) error {
	switch {
	case cfg.Space == "":
		return program.Usagef("--space needs an address")
	case cfg.TxnLease < 10*time.Millisecond || cfg.TxnLease > MaxLease:
		return program.Usagef("--txn-lease must be from 10ms to %s, not %s", MaxLease, cfg.TxnLease)
	case cfg.Wait <= 0 || cfg.Wait > MaxWait:
		return program.Usagef("--wait must be above 0 and at most %s, not %s", MaxWait, cfg.Wait)
	case cfg.Work < 0:
		return program.Usagef("--work must not be negative, not %s", cfg.Work)
	case cfg.Timeout <= 0:
		return program.Usagef("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Tiles < 0:
		return program.Usagef("--tiles must not be negative, not %d", cfg.Tiles)
	}
	w := &worker{node: env.Node, cfg: cfg, env: env}
	env.Node.Trace.State("working", "idle")
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := w.connectAndWork(ctx)
		if ctx.Err() != nil || err == nil {
			return nil
		}
		fmt.Fprintf(env.Stdout, "space unreachable (%v); trying again in %s\n", err, backoff)
		if !pause(ctx, env.Node, backoff) {
			return nil
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	return nil
}

type worker struct {
	node *wire.Node
	cfg  WorkerConfig
	env  *program.Env
	done int // tiles committed
}

// connectAndWork works with one connection until it breaks (an error) or
// the worker has done its tiles (nil).
func (w *worker) connectAndWork(ctx context.Context) error {
	c, err := Dial(ctx, w.node, w.cfg.Space, w.cfg.Timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	for ctx.Err() == nil {
		if w.cfg.Tiles > 0 && w.done >= w.cfg.Tiles {
			return nil
		}
		if err := w.oneTask(ctx, c); err != nil {
			var remote *wire.RemoteError
			if errors.As(err, &remote) {
				// The space refused something (it is full, busy, or not a
				// space at all): say so, and ask again a little later.
				fmt.Fprintln(w.env.Stdout, "error:", err)
				if !pause(ctx, w.node, time.Second) {
					return nil
				}
				continue
			}
			return err
		}
	}
	return nil
}

// oneTask is one round: begin, take, compute, write, commit.
func (w *worker) oneTask(ctx context.Context, c *Client) error {
	b, err := c.Begin(ctx, w.cfg.TxnLease)
	if err != nil {
		return err
	}
	stop := w.keepAlive(ctx, c, b.Txn)
	defer stop()
	wait := w.cfg.Wait.Milliseconds()
	res, err := c.Take(ctx, MatchRequest{Template: Entry{Type: TypeTask}, WaitMS: wait, Txn: b.Txn})
	if err != nil {
		return err
	}
	if !res.Found {
		_, err := c.Abort(ctx, b.Txn)
		return err
	}
	t, err := TileOf(*res.Entry)
	if err != nil {
		// Not ours to fix: leave it taken for good, and say so.
		fmt.Fprintf(w.env.Stdout, "took a bad task and dropped it: %v\n", err)
		_, err := c.Commit(ctx, b.Txn)
		return err
	}
	w.node.Trace.State("working", fmt.Sprintf("tile %d of %s (txn #%d)", t.N, t.Job, b.Txn))
	px := t.Compute()
	if w.cfg.Work > 0 && !pause(ctx, w.node, w.cfg.Work) {
		return ctx.Err()
	}
	if _, err := c.Write(ctx, t.ResultEntry(w.node.Name, px), 0, b.Txn); err != nil {
		return err
	}
	if _, err := c.Commit(ctx, b.Txn); err != nil {
		fmt.Fprintf(w.env.Stdout, "tile %d: the commit failed, another worker will do it: %v\n", t.N, err)
		w.node.Trace.State("working", "idle")
		return nil
	}
	w.done++
	fmt.Fprintf(w.env.Stdout, "tile %d of %s: computed and committed (txn #%d)\n", t.N, t.Job, b.Txn)
	w.node.Trace.State("working", "idle")
	w.node.Trace.State("tiles done", fmt.Sprint(w.done))
	return nil
}

// keepAlive renews the transaction's lease at a third of its length until
// stopped, so the lease runs out only when the worker stops renewing it.
func (w *worker) keepAlive(ctx context.Context, c *Client, txn uint64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for pause(ctx, w.node, w.cfg.TxnLease/3) {
			if _, err := c.Renew(ctx, txn, w.cfg.TxnLease); err != nil {
				return
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// pause waits d of protocol time; it reports false when ctx ended first.
func pause(ctx context.Context, n *wire.Node, d time.Duration) bool {
	pctx, cancel := n.WithTimeout(ctx, d)
	defer cancel()
	<-pctx.Done()
	return ctx.Err() == nil
}
