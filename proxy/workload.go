package proxy

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/httpwire"
	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// loadConfig is a load run: Requests GET requests in all, sent by
// Concurrency clients at once, each choosing its next path at random.
type loadConfig struct {
	URL   string   // the proxy (or the origin) to load, e.g. http://127.0.0.1:7300
	Paths []string // the paths to choose from, e.g. keyPaths("/static/k", 100)

	Concurrency int
	Requests    int

	// Zipf, if not 0, is the exponent s > 1 of a Zipf distribution over
	// Paths: the k-th path is asked about k^-s times as often as the first.
	// Real web traffic looks like this (a few pages are hot, most are
	// rare), and it is what makes a small cache pay off. 0 chooses every
	// path equally often.
	Zipf float64

	// MaxFailed is the share of failed requests, from 0 to 1, a run may
	// have and still succeed; a run in which all failed always fails.
	MaxFailed float64

	Timeout time.Duration // for one request, in protocol time; 0 means no limit
	Seed    uint64        // for the choice of paths: the same seed repeats a run
}

// loadResult is what a load run measured. Hits, Misses, Revalidated and
// Stale count the answers by their X-Cache header; answers without one (an
// origin has none) count as none of them.
type loadResult struct {
	Requests int // answered or failed; requests cut short by the end of the run are not counted
	Errors   int // no answer, an answer cut short, or a status of 400 or more
	Elapsed  time.Duration
	P50, P99 time.Duration // latency of all counted requests, failed ones included

	Hits, Misses, Revalidated, Stale int
}

// hitRatio is the share of answers with an X-Cache header that came from the
// cache (a hit, revalidated or stale), as the proxy itself counts it.
func (r loadResult) hitRatio() float64 {
	cached := r.Hits + r.Revalidated + r.Stale
	if all := cached + r.Misses; all > 0 {
		return float64(cached) / float64(all)
	}
	return 0
}

func (r loadResult) String() string {
	rate := 0.0
	if r.Elapsed > 0 {
		rate = float64(r.Requests) / r.Elapsed.Seconds()
	}
	return fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %s, p99 %s, %d errors, hit ratio %.2f (%d hit, %d miss, %d revalidated, %d stale)",
		r.Requests, r.Elapsed.Seconds(), rate, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors,
		r.hitRatio(), r.Hits, r.Misses, r.Revalidated, r.Stale)
}

// keyPaths returns the n paths prefix0, prefix1, ... prefix(n-1).
func keyPaths(prefix string, n int) []string {
	paths := make([]string, n)
	for i := range paths {
		paths[i] = prefix + strconv.Itoa(i)
	}
	return paths
}

// runLoad runs a load against cfg.URL from node n: every request goes through
// httpwire, so a trace shows it. If ctx ends, runLoad stops early and returns
// what it measured so far with ctx's error. A run in which more than
// cfg.MaxFailed of the requests failed, or every one, returns an error that
// says how many failed and wraps the first failure.
func runLoad(ctx context.Context, n *wire.Node, cfg loadConfig) (loadResult, error) {
	if err := cfg.check(); err != nil {
		return loadResult{}, err
	}
	// One pool of connections for all clients, with room to keep one idle
	// per client: without it, connections beyond the default two per host
	// would be closed after each answer and opened again for the next.
	base := &http.Transport{MaxIdleConns: cfg.Concurrency, MaxIdleConnsPerHost: cfg.Concurrency}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: &httpwire.Transport{Node: n, Base: base, Timeout: cfg.Timeout}}

	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		workers = make([]*loadWorker, cfg.Concurrency)
	)
	start := time.Now()
	for i := range workers {
		w := newLoadWorker(client, cfg, i)
		workers[i] = w
		wg.Go(func() {
			for next.Add(1) <= int64(cfg.Requests) && ctx.Err() == nil {
				w.request(ctx)
			}
		})
	}
	wg.Wait()
	res := loadResult{Elapsed: time.Since(start)}

	var latency []time.Duration
	var first *loadWorker // the worker whose failure came first
	for _, w := range workers {
		res.add(w.res)
		latency = append(latency, w.latency...)
		if w.firstErr != nil && (first == nil || w.firstErrAt.Before(first.firstErrAt)) {
			first = w
		}
	}
	slices.Sort(latency)
	if len(latency) > 0 {
		res.P50 = latency[len(latency)/2]
		res.P99 = latency[len(latency)*99/100]
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	switch {
	case res.Errors == 0:
		return res, nil
	case res.Errors == res.Requests:
		return res, fmt.Errorf("all %d requests failed; the first: %w", res.Requests, first.firstErr)
	case float64(res.Errors) > cfg.MaxFailed*float64(res.Requests):
		return res, fmt.Errorf("%d of %d requests failed, more than --max-failed %g allows; the first: %w",
			res.Errors, res.Requests, cfg.MaxFailed, first.firstErr)
	}
	return res, nil
}

// add counts the requests of one client's part of the run.
func (r *loadResult) add(part loadResult) {
	r.Requests += part.Requests
	r.Errors += part.Errors
	r.Hits += part.Hits
	r.Misses += part.Misses
	r.Revalidated += part.Revalidated
	r.Stale += part.Stale
}

// check says what is wrong with cfg, naming the load program's flags.
func (cfg loadConfig) check() error {
	u, err := url.Parse(cfg.URL)
	relative := slices.IndexFunc(cfg.Paths, func(p string) bool { return !strings.HasPrefix(p, "/") })
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return program.Usagef("--url must be an http:// URL, not %q", cfg.URL)
	case len(cfg.Paths) == 0:
		return program.Usagef("--keys must be at least 1: there is nothing to ask for")
	case relative >= 0:
		return program.Usagef("--path-prefix must start with /, as a path does, not %q", cfg.Paths[relative])
	case cfg.Concurrency < 1:
		return program.Usagef("-c must be at least 1, not %d", cfg.Concurrency)
	case cfg.Requests < 1:
		return program.Usagef("-n must be at least 1, not %d", cfg.Requests)
	case cfg.Zipf != 0 && !(cfg.Zipf > 1):
		return program.Usagef("--zipf must be above 1 (or 0 for uniform), not %v", cfg.Zipf)
	case cfg.Timeout < 0:
		return program.Usagef("--timeout must not be negative, not %s", cfg.Timeout)
	case !(cfg.MaxFailed >= 0 && cfg.MaxFailed <= 1):
		return program.Usagef("--max-failed must be a share from 0 to 1, not %v", cfg.MaxFailed)
	}
	return nil
}

// loadWorker is one client of a load run. It counts on its own, so the
// clients never wait for each other; runLoad adds the counts up at the end.
type loadWorker struct {
	client  *http.Client
	base    string
	paths   []string
	pick    func() int // the index of the next path
	res     loadResult // Requests, Errors and the X-Cache counts
	latency []time.Duration

	firstErr   error // the worker's first failure, and when it came
	firstErrAt time.Time
}

// newLoadWorker returns worker i with a random source of its own: shared
// sources would need a lock, and seeding each from (Seed, i) keeps a run
// repeatable.
func newLoadWorker(client *http.Client, cfg loadConfig, i int) *loadWorker {
	w := &loadWorker{client: client, base: strings.TrimSuffix(cfg.URL, "/"), paths: cfg.Paths,
		latency: make([]time.Duration, 0, cfg.Requests/cfg.Concurrency+1)}
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
	if cfg.Zipf > 0 {
		zipf := rand.NewZipf(rng, cfg.Zipf, 1, uint64(len(cfg.Paths)-1))
		w.pick = func() int { return int(zipf.Uint64()) }
	} else {
		w.pick = func() int { return rng.IntN(len(cfg.Paths)) }
	}
	return w
}

// request sends one request and counts its outcome.
func (w *loadWorker) request(ctx context.Context) {
	t0 := time.Now()
	xcache, err := w.get(ctx, w.paths[w.pick()])
	if ctx.Err() != nil {
		return // cut short by the end of the run, not by the server
	}
	w.latency = append(w.latency, time.Since(t0))
	w.res.Requests++
	if err != nil {
		w.res.Errors++
		if w.firstErr == nil {
			w.firstErr, w.firstErrAt = err, time.Now()
		}
		return
	}
	// The first word only: some caches add where they are ("HIT from proxy-1").
	source, _, _ := strings.Cut(strings.TrimSpace(xcache), " ")
	switch strings.ToUpper(source) {
	case Hit:
		w.res.Hits++
	case Miss:
		w.res.Misses++
	case Revalidated:
		w.res.Revalidated++
	case Stale:
		w.res.Stale++
	}
}

// get fetches path and returns the answer's X-Cache header.
func (w *loadWorker) get(ctx context.Context, path string) (xcache string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	// Reading the body to its end lets the connection carry the next
	// request, and an answer cut off half way counts as failed.
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", fmt.Errorf("GET %s: the answer broke off: %w", path, err)
	}
	if resp.StatusCode >= 400 {
		return "", fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp.Header.Get(HeaderXCache), nil
}
