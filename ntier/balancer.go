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

// tierError is the answer when the next tier cannot do a request at all:
// it cannot be reached, does not answer in time, or cannot reach its own
// next tier. The web tier shows it with 503 Service Unavailable and Reason.
type tierError struct{ Reason string }

func (e *tierError) Error() string { return e.Reason }

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

// balancer spreads the web tier's requests over the app instances in turn
// (round robin) and fails over to the next one when an instance fails:
// the app tier replicated, as several processes of one tier. It is safe
// for concurrent use.
type balancer struct {
	node    *wire.Node
	apps    []*appInstance
	turn    atomic.Uint64 // the instance the next request tries first, modulo len(apps)
	timeout time.Duration // for one attempt
}

// newBalancer returns the app instances at addrs as node n reaches them,
// giving each attempt timeout to answer (0 means 5 seconds: longer than the
// app tier waits for the data tier, so its reason arrives first).
func newBalancer(n *wire.Node, addrs []string, timeout time.Duration) *balancer {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	t := &balancer{node: n, timeout: timeout}
	for _, addr := range addrs {
		t.apps = append(t.apps, &appInstance{pool: wire.NewPool(n, addr)})
	}
	return t
}

// close closes the idle connections to every instance.
func (t *balancer) close() {
	for _, a := range t.apps {
		a.pool.Close()
	}
}

// ask sends one operation to an app instance and returns its answer. It
// tries the instances in turn, resting ones last, and moves on to the next
// when one fails. That is safe because every operation of the app tier may
// be sent twice: the reads change nothing, book carries its request id (the
// data tier answers a request id it has seen with the booking it made),
// and cancelling a cancelled booking answers it again. An instance whose
// connection broke is asked once more, on a new connection, before the
// next is tried.
//
// A write (book, cancel) that failed after it went out may have been done
// before the instance died. If no later attempt gets an answer, ask
// answers Unknown instead of an error: the user must hear that the
// outcome is unknown, never that the service cannot be reached when the
// seat was sold. An error reply from an instance (it runs but cannot reach
// the data tier) is passed on as it is. Every failure is a *tierError.
func (t *balancer) ask(ctx context.Context, typ string, body any, write bool) (Answer, error) {
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
	var (
		failures  []string
		mayBeDone bool // an attempt of a write failed after it may have gone out
	)
	unknown := func() (Answer, error) {
		return Refuse(Unknown, "the app tier failed during %s after the request went out (%s), so it may or may not have been done",
			typ, strings.Join(failures, "; ")), nil
	}
	for i, a := range append(order, resting...) {
		var why string
		for attempt := range 2 {
			actx, cancel := t.node.WithTimeout(ctx, t.timeout)
			reply, err := a.pool.Call(actx, "", typ, body)
			cancel()
			if err == nil {
				var ans Answer
				if err := reply.UnmarshalBody(&ans); err != nil {
					return Answer{}, &tierError{Reason: fmt.Sprintf("the app tier (%s) answered %s with nonsense: %v", a.pool.Addr(), typ, err)}
				}
				return ans, nil
			}
			var remote *wire.RemoteError
			if errors.As(err, &remote) {
				if write && mayBeDone {
					failures = append(failures, fmt.Sprintf("%s: %s", a.pool.Addr(), remote.Reason))
					return unknown()
				}
				return Answer{}, &tierError{Reason: remote.Reason}
			}
			why = cause(err)
			timedOut := errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil
			if timedOut {
				why = fmt.Sprintf("no answer within %s", t.timeout)
				a.rest(time.Now().Add(restAfterTimeout))
			}
			failures = append(failures, fmt.Sprintf("%s: %s", a.pool.Addr(), why))
			if !notSent(err) {
				mayBeDone = true
			}
			if ctx.Err() != nil {
				if write && mayBeDone {
					return unknown()
				}
				return Answer{}, &tierError{Reason: "the request was given up: " + ctx.Err().Error()}
			}
			if notSent(err) || timedOut || attempt == 1 {
				break
			}
			t.node.Trace.Logf("the connection to app tier %s broke during %s (%s); asking it once more", a.pool.Addr(), typ, why)
		}
		if i+1 < len(t.apps) {
			t.node.Trace.Logf("app tier %s failed (%s); trying the next one", a.pool.Addr(), why)
		}
	}
	if write && mayBeDone {
		return unknown()
	}
	return Answer{}, &tierError{Reason: "no app tier instance can be reached (" + strings.Join(failures, "; ") + ")"}
}

// notSent reports whether err means that the request never left: the
// connection could not be opened.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
