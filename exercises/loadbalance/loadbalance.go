//go:build !solution

package loadbalance

import "context"

// Balancer spreads requests over a group of cooperating servers in turn
// (round robin), skips servers it found dead, and takes them back once they
// answer again. Add the fields you need: the servers, whose turn is next,
// which servers are marked dead and since when, the options, and a mutex
// saying what it guards.
//
// A Balancer is safe for concurrent use: many clients call Do at once.
type Balancer struct {
}

// New returns a balancer over the servers at the given addresses, all of
// them taken to be alive at first. Zero fields of opts mean the defaults
// (see Options).
func New(servers []string, opts Options) *Balancer {
	return &Balancer{}
}

// Do sends request to one server with Ask and returns the reply and the
// address of the server that answered.
//
//   - Round robin: call after call, the servers take turns in the order
//     given to New; with all alive and Do called N times, each of k servers
//     answers N/k times. A dead server is skipped; the turn passes on.
//   - Failover: a connection error or timeout (Options.TryTimeout per
//     attempt) marks that server dead, and the same request goes to the
//     next server at once. The caller only sees an error when every server
//     failed: then ErrAllDown (wrapped, if you like, with the last error).
//   - A dead server rests: Do does not try it again until
//     Options.RetryAfter has passed on Options.Now since it was marked.
//     Then it is tried at its turn; if it answers, it is alive again; if
//     not, it rests once more.
//   - An error reply from a server (IsRemote) means it is alive and
//     refused: return that error, mark nothing, try no other server.
//   - When ctx ends (the caller gave up), return ctx's error and mark
//     nothing: the servers did nothing wrong.
//
// With every server marked dead and resting, Do returns ErrAllDown at once,
// without waiting.
func (b *Balancer) Do(ctx context.Context, request string) (reply, server string, err error) {
	return "", "", ErrNotImplemented
}

// Alive returns the addresses of the servers not marked dead, in the order
// given to New.
func (b *Balancer) Alive() []string {
	return nil
}
