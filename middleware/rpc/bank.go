package rpc

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./internal/rpcgen -type Bank bank.go

// Bank is the remote service of the model: a few accounts and transfers
// between them, in cents. It is an ordinary Go interface. The stub
// (stub.go) and the skeleton (skeleton.go) are generated from it by
// rpcgen, as a middleware's interface compiler would: the client calls a
// BankStub as if it were a Bank, the server's Accounts is a Bank, and the
// skeleton connects the two over the network.
//
// The generator takes parameters and results of type string and int64,
// a context.Context first and an error last; their names become the
// fields of the json codec.
type Bank interface {
	// Balance returns how much account holds. Asking twice does no harm:
	// it is idempotent.
	Balance(ctx context.Context, account string) (cents int64, err error)
	// Transfer moves cents from one account to another and returns what
	// from holds afterwards. It is not idempotent: done twice, the money
	// moves twice.
	Transfer(ctx context.Context, from string, to string, cents int64) (balance int64, err error)
}

// MaxAccounts bounds the accounts a server keeps.
const MaxAccounts = 64

// Accounts is the server's implementation of Bank. It knows nothing of
// the network: the skeleton calls it like any Go value. It is safe for
// concurrent use.
type Accounts struct {
	mu       sync.Mutex       // guards balances and bookings
	balances map[string]int64 // in cents
	bookings int              // transfers done, for the trace
}

// NewAccounts returns a bank holding the given balances in cents.
func NewAccounts(balances map[string]int64) *Accounts {
	a := &Accounts{balances: map[string]int64{}}
	for k, v := range balances {
		a.balances[k] = v
	}
	return a
}

// DefaultAccounts are the accounts an rpcserver starts with.
func DefaultAccounts() map[string]int64 {
	return map[string]int64{"alice": 10000, "bob": 5000}
}

// ParseAccounts reads "alice=10000,bob=5000" (cents).
func ParseAccounts(s string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, part := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		var cents int64
		if _, err := fmt.Sscan(value, &cents); !ok || err != nil || name == "" || len(name) > RawStringSize || cents < 0 {
			return nil, fmt.Errorf("account %q: want NAME=CENTS, a name of at most %d bytes and cents from 0", part, RawStringSize)
		}
		out[name] = cents
	}
	if len(out) > MaxAccounts {
		return nil, fmt.Errorf("%d accounts, at most %d", len(out), MaxAccounts)
	}
	return out, nil
}

// Balance implements Bank.
func (a *Accounts) Balance(_ context.Context, account string) (int64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	cents, ok := a.balances[account]
	if !ok {
		return 0, fmt.Errorf("no account %q (there are %s)", account, a.namesLocked())
	}
	return cents, nil
}

// Transfer implements Bank.
func (a *Accounts) Transfer(_ context.Context, from, to string, cents int64) (int64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, acc := range []string{from, to} {
		if _, ok := a.balances[acc]; !ok {
			return 0, fmt.Errorf("no account %q (there are %s)", acc, a.namesLocked())
		}
	}
	switch {
	case cents <= 0:
		return 0, fmt.Errorf("a transfer of %d cents: the amount must be positive", cents)
	case from == to:
		return 0, fmt.Errorf("a transfer from %s to itself", from)
	case a.balances[from] < cents:
		return 0, fmt.Errorf("%s holds %s, not enough for %s", from, EUR(a.balances[from]), EUR(cents))
	}
	a.balances[from] -= cents
	a.balances[to] += cents
	a.bookings++
	return a.balances[from], nil
}

// Bookings returns how many transfers were done.
func (a *Accounts) Bookings() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bookings
}

// String lists the balances: "alice 90.00 EUR, bob 60.00 EUR".
func (a *Accounts) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var parts []string
	for _, name := range a.sortedLocked() {
		parts = append(parts, name+" "+EUR(a.balances[name]))
	}
	return strings.Join(parts, ", ")
}

func (a *Accounts) namesLocked() string { return strings.Join(a.sortedLocked(), ", ") }

func (a *Accounts) sortedLocked() []string {
	names := make([]string, 0, len(a.balances))
	for name := range a.balances {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// EUR writes cents as euros: 1050 is "10.50 EUR".
func EUR(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-cents) // -MinInt64 wraps to itself, which as uint64 is right
	}
	return fmt.Sprintf("%s%d.%02d EUR", sign, u/100, u%100)
}

// ParseAttributes reads "currency=EUR,branch=north".
func ParseAttributes(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("attribute %q: want KEY=VALUE", part)
		}
		out[k] = v
	}
	return out, checkAttrs(out)
}
