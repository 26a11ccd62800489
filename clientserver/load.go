package clientserver

import (
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

// BenchConfig is a load run: Requests requests in all, sent by Concurrency
// clients at once, each with its own connection. Half of the requests are
// puts and half are gets, each client on keys of its own.
type BenchConfig struct {
	Servers     []string
	Concurrency int
	Requests    int
	Timeout     time.Duration // per attempt, as for Client
}

// BenchResult is what a load run measured. Lost counts acknowledged writes
// that a final read did not find: it must be 0.
type BenchResult struct {
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
	Verified int // keys read back after the run
	Lost     int // of those, keys whose value was not the last acknowledged one
}

func (r BenchResult) String() string {
	rate := float64(r.Requests) / r.Elapsed.Seconds()
	return fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %s, p99 %s, %d errors\nverified %d keys: %d acknowledged writes lost",
		r.Requests, r.Elapsed.Seconds(), rate, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors, r.Verified, r.Lost)
}

// keysPerClient is how many keys each benchmark client writes over and over.
const keysPerClient = 16

// Bench runs a load against the servers and then reads back every key it
// wrote, to check that no acknowledged write was lost.
func Bench(ctx context.Context, n *wire.Node, cfg BenchConfig) (BenchResult, error) {
	if cfg.Concurrency < 1 || cfg.Requests < 1 {
		return BenchResult{}, errors.New("bench needs -c and -n of at least 1")
	}
	var (
		next    atomic.Int64
		mu      sync.Mutex // guards latency and errs
		latency []time.Duration
		errs    int
		wg      sync.WaitGroup
	)
	clients := make([]*benchClient, cfg.Concurrency)
	start := time.Now()
	for w := range clients {
		bc := &benchClient{
			Client:   NewClient(n, cfg.Servers, w, cfg.Timeout),
			prefix:   "bench-" + strconv.Itoa(w) + "-",
			possible: map[string][]string{},
		}
		clients[w] = bc
		wg.Go(func() {
			lat := make([]time.Duration, 0, cfg.Requests/cfg.Concurrency+1)
			failed := 0
			for i := next.Add(1); i <= int64(cfg.Requests); i = next.Add(1) {
				t0 := time.Now()
				if bc.step(ctx, i) != nil {
					failed++
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			latency = append(latency, lat...)
			errs += failed
			mu.Unlock()
		})
	}
	wg.Wait()
	res := BenchResult{Requests: len(latency), Errors: errs, Elapsed: time.Since(start)}
	slices.Sort(latency)
	if len(latency) > 0 {
		res.P50 = latency[len(latency)/2]
		res.P99 = latency[len(latency)*99/100]
	}
	for _, bc := range clients {
		v, lost := bc.verify(ctx)
		res.Verified += v
		res.Lost += lost
		bc.Close()
	}
	return res, ctx.Err()
}

// benchClient is one client of a load run and what it knows of its keys.
type benchClient struct {
	*Client
	prefix   string
	possible map[string][]string // key to the values a read may return: the last acknowledged, plus any put whose outcome is unknown
}

// step sends request i: odd ones put, even ones get.
func (bc *benchClient) step(ctx context.Context, i int64) error {
	key := bc.prefix + strconv.FormatInt(i/2%keysPerClient, 10)
	if i%2 == 1 {
		value := strconv.FormatInt(i, 10)
		_, err := bc.Put(ctx, key, value)
		if err != nil {
			bc.possible[key] = append(bc.possible[key], value)
		} else {
			bc.possible[key] = []string{value}
		}
		return err
	}
	_, err := bc.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// verify reads back every key this client wrote.
func (bc *benchClient) verify(ctx context.Context) (verified, lost int) {
	for key, values := range bc.possible {
		res, err := bc.Get(ctx, key)
		verified++
		if err != nil || !slices.Contains(values, res.Value) {
			lost++
		}
	}
	return verified, lost
}
