package clientserver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/wire"
)

// The client's load mode (--bench): cfg.Requests requests in all, sent by
// cfg.Concurrency clients at once, each with its own connection. Half of
// the requests are puts and half are gets, each client on keys of its own.
// At the end every key written is read back, to check that no
// acknowledged write was lost.

// loadResult is what a load run measured. Lost counts acknowledged writes
// that a final read did not find: it must be 0.
type loadResult struct {
	Requests    int
	Errors      int
	FirstError  error // the first request that failed, as an example of the Errors
	Elapsed     time.Duration
	P50, P99    time.Duration
	Verified    int  // keys read back after the run
	Lost        int  // of those, keys whose value was not the last acknowledged one
	Interrupted bool // ctx ended the run early; the keys were not read back
}

func (r loadResult) String() string {
	rate := float64(r.Requests) / r.Elapsed.Seconds()
	s := fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %s, p99 %s, %d errors",
		r.Requests, r.Elapsed.Seconds(), rate, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors)
	if r.Interrupted {
		return s + "\ninterrupted: the keys were not read back"
	}
	return s + fmt.Sprintf("\nverified %d keys: %d acknowledged writes lost", r.Verified, r.Lost)
}

// failure is the run's verdict for the exit code: an error when the
// service failed every request or lost an acknowledged write, so a script
// that runs a load cannot mistake a dead service for a fast one. A run
// that was interrupted is no failure of the service.
func (r loadResult) failure() error {
	switch {
	case r.Interrupted:
		return nil
	case r.Requests > 0 && r.Errors == r.Requests:
		return fmt.Errorf("every one of the %d requests failed, the first with: %w", r.Requests, r.FirstError)
	case r.Lost > 0:
		return fmt.Errorf("%d of the %d keys read back did not hold their last acknowledged value", r.Lost, r.Verified)
	}
	return nil
}

// keysPerClient is how many keys each load client writes over and over.
const keysPerClient = 16

// runLoad runs a load against cfg.Servers until every request is sent or
// ctx ends, and then reads back every key it wrote.
func runLoad(ctx context.Context, n *wire.Node, cfg ClientConfig) loadResult {
	var (
		next     atomic.Int64
		mu       sync.Mutex // guards latency, errs and firstErr
		latency  []time.Duration
		errs     int
		firstErr error
		wg       sync.WaitGroup
	)
	clients := make([]*loadClient, cfg.Concurrency)
	start := time.Now()
	for w := range clients {
		lc := &loadClient{
			Client:   NewClient(n, cfg.Servers, w, cfg.Timeout),
			prefix:   "bench-" + strconv.Itoa(w) + "-",
			possible: map[string][]string{},
		}
		clients[w] = lc
		wg.Go(func() {
			lat := make([]time.Duration, 0, cfg.Requests/cfg.Concurrency+1)
			failed := 0
			var first error
			for i := next.Add(1); i <= int64(cfg.Requests); i = next.Add(1) {
				t0 := time.Now()
				err := lc.step(ctx, i)
				if ctx.Err() != nil {
					break // interrupted: neither an answer nor a failure of the service
				}
				if err != nil {
					failed++
					first = cmp.Or(first, err)
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			latency = append(latency, lat...)
			errs += failed
			firstErr = cmp.Or(firstErr, first)
			mu.Unlock()
		})
	}
	wg.Wait()
	res := loadResult{Requests: len(latency), Errors: errs, FirstError: firstErr, Elapsed: time.Since(start), Interrupted: ctx.Err() != nil}
	slices.Sort(latency)
	if len(latency) > 0 {
		res.P50 = latency[len(latency)/2]
		res.P99 = latency[len(latency)*99/100]
	}
	for _, lc := range clients {
		if !res.Interrupted {
			v, lost := lc.verify(ctx)
			res.Verified += v
			res.Lost += lost
		}
		lc.Close()
	}
	return res
}

// loadClient is one client of a load run and what it knows of its keys.
type loadClient struct {
	*Client
	prefix   string
	possible map[string][]string // key to the values a read may return: the last acknowledged, plus any put whose outcome is unknown
}

// step sends request i: odd ones put, even ones get.
func (lc *loadClient) step(ctx context.Context, i int64) error {
	key := lc.prefix + strconv.FormatInt(i/2%keysPerClient, 10)
	if i%2 == 1 {
		value := strconv.FormatInt(i, 10)
		_, err := lc.Put(ctx, key, value)
		if err != nil {
			lc.possible[key] = append(lc.possible[key], value)
		} else {
			lc.possible[key] = []string{value}
		}
		return err
	}
	_, err := lc.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// verify reads back every key this client wrote.
func (lc *loadClient) verify(ctx context.Context) (verified, lost int) {
	for key, values := range lc.possible {
		res, err := lc.Get(ctx, key)
		verified++
		if err != nil || !slices.Contains(values, res.Value) {
			lost++
		}
	}
	return verified, lost
}
