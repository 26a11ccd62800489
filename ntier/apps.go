package ntier

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dsdemo/models/wire"
)

// TierError is the answer when the next tier cannot do a request at all:
// it cannot be reached, does not answer in time, or cannot reach its own
// next tier. The web tier shows it with 503 Service Unavailable and Reason.
type TierError struct{ Reason string }

func (e *TierError) Error() string { return e.Reason }

// restAfterTimeout is how long the web tier leaves an app instance alone
// after it did not answer in time. An instance that refuses connections
// costs nothing to try and is tried on every turn, so it is back in the
// rotation as soon as it runs again.
const restAfterTimeout = 5 * time.Second

// appInstance is one app tier instance as the web tier sees it.
type appInstance struct {
	pool *wire.Pool

	mu        sync.Mutex // guards restUntil
	restUntil time.Time  // after a timeout: tried last until then
}

func (a *appInstance) resting(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return now.Before(a.restUntil)
}

func (a *appInstance) rest(until time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.restUntil = until
}

// AppTiers spreads the web tier's requests over the app instances in turn
// (round robin) and fails over to the next one when an instance cannot be
// reached: the four-tier variant, in which the app tier is several
// processes. It is safe for concurrent use.
type AppTiers struct {
	node    *wire.Node
	apps    []*appInstance
	turn    atomic.Uint64 // the instance the next request tries first, modulo len(apps)
	timeout time.Duration // for one attempt
}

// NewAppTiers returns the app instances at addrs as node n reaches them,
// giving each attempt timeout to answer (0 means 5 seconds: longer than the
// app tier waits for the data tier, so its reason arrives first).
func NewAppTiers(n *wire.Node, addrs []string, timeout time.Duration) *AppTiers {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	t := &AppTiers{node: n, timeout: timeout}
	for _, addr := range addrs {
		t.apps = append(t.apps, &appInstance{pool: wire.NewPool(n, addr)})
	}
	return t
}

// Close closes the idle connections to every instance.
func (t *AppTiers) Close() {
	for _, a := range t.apps {
		a.pool.Close()
	}
}

// Ask sends one operation to an app instance and returns its answer. It
// tries the instances in turn, resting ones last. A failed attempt moves on
// to the next instance when that is safe: always for an operation that only
// reads (safe), and for one that writes (book, cancel) only when the
// connection could not even be opened, because otherwise the first instance
// may have done it already and a second try would book twice. An error
// reply from an instance (it runs but cannot reach the data tier) is
// passed on as it is. Every failure is a *TierError.
func (t *AppTiers) Ask(ctx context.Context, typ string, body any, safe bool) (Answer, error) {
	first := t.turn.Add(1) - 1
	now := time.Now()
	var order, resting []*appInstance
	for i := range t.apps {
		a := t.apps[(int(first)+i)%len(t.apps)]
		if a.resting(now) {
			resting = append(resting, a)
		} else {
			order = append(order, a)
		}
	}
	var failures []string
	for i, a := range append(order, resting...) {
		actx, cancel := context.WithTimeout(ctx, t.timeout)
		reply, err := a.pool.Call(actx, "", typ, body)
		cancel()
		if err == nil {
			var ans Answer
			if err := reply.UnmarshalBody(&ans); err != nil {
				return Answer{}, &TierError{Reason: fmt.Sprintf("the app tier (%s) answered %s with nonsense: %v", a.pool.Addr(), typ, err)}
			}
			return ans, nil
		}
		var remote *wire.RemoteError
		if errors.As(err, &remote) {
			return Answer{}, &TierError{Reason: remote.Reason}
		}
		if ctx.Err() != nil {
			return Answer{}, &TierError{Reason: "the request was given up: " + ctx.Err().Error()}
		}
		why := Cause(err)
		if errors.Is(err, context.DeadlineExceeded) {
			why = fmt.Sprintf("no answer within %s", t.timeout)
			a.rest(time.Now().Add(restAfterTimeout))
		}
		failures = append(failures, fmt.Sprintf("%s: %s", a.pool.Addr(), why))
		if !safe && !notSent(err) {
			return Answer{}, &TierError{Reason: fmt.Sprintf("the app tier (%s) failed during %s (%s); it may or may not have been done, so it is not tried again elsewhere", a.pool.Addr(), typ, why)}
		}
		if i+1 < len(t.apps) {
			t.node.Trace.Logf("app tier %s failed (%s); trying the next one", a.pool.Addr(), why)
		}
	}
	return Answer{}, &TierError{Reason: "no app tier instance can be reached (" + strings.Join(failures, "; ") + ")"}
}

// notSent reports whether err means that the request never left: the
// connection could not be opened.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
