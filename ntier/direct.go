package ntier

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"dsdemo/models/program"
	"dsdemo/models/wire"
)

// Asking a tier directly.
//
// The tiers answer anybody who can reach them, as the nc lines in the
// package doc show; in the lecture's DMZ figure it is the firewalls that
// keep the Internet away from the application server and the DMZ away
// from the database (see "Four tiers and the DMZ" in doc.go). A firewall
// is no program here: the experiment four-tiers draws each of its rules
// as a one-way partition ("from here, not to there"). To let a class see
// a rule hold, the booker can be given the addresses of the tiers behind
// the web tier (--app, --db) and try them with "direct app" or "direct
// db": one search, the request every tier answers without changing
// anything, sent past the web tier on the wire.

// directTimeout is how long "direct" waits for an answer. A firewall that
// drops a message answers nothing at all, so the booker gives up after a
// short while, in protocol time: a class watching in slow motion still
// sees the question leave before the booker gives up.
const directTimeout = 2 * time.Second

// checkDirect refuses an address of --app or --db that is no HOST:PORT,
// before the booker starts.
func checkDirect(cfg BookerConfig) error {
	for _, f := range []struct{ flag, addr string }{{"app", cfg.App}, {"db", cfg.DB}} {
		if f.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(f.addr); err != nil {
			return program.Usagef("--%s must be HOST:PORT, not %q", f.flag, f.addr)
		}
	}
	return nil
}

// direct sends one search straight to the app tier ("app") or to the data
// tier ("db"), past the web tier, and says who answered what.
func (b *booker) direct(ctx context.Context, tier string) (string, error) {
	var addr, typ string
	switch tier {
	case "app":
		addr, typ = b.app, TypeSearch
	case "db":
		addr, typ = b.db, TypeSearchFlights
	default:
		return "", program.Usagef("direct asks the app or the db tier, not %q", tier)
	}
	if addr == "" {
		return "", program.Usagef("direct %s needs the address of the %s tier: start the booker with --%s HOST:PORT", tier, tier, tier)
	}
	ctx, cancel := b.node.WithTimeout(ctx, directTimeout)
	defer cancel()
	c, err := wire.Dial(ctx, b.node, addr)
	if err != nil {
		return "", fmt.Errorf("the %s tier at %s cannot be reached: %s", tier, addr, cause(err))
	}
	defer c.Close()
	reply, err := c.Call(ctx, "", typ, FlightQuery{})
	var remote *wire.RemoteError
	switch {
	case errors.As(err, &remote):
		return "", fmt.Errorf("the %s tier at %s could not answer: %s", tier, addr, remote.Reason)
	case errors.Is(err, context.DeadlineExceeded):
		return "", fmt.Errorf("no answer from the %s tier at %s within %s: the request was sent and nothing came back, as when a firewall drops it", tier, addr, directTimeout)
	case err != nil:
		return "", fmt.Errorf("the %s tier at %s did not answer: %s", tier, addr, cause(err))
	}
	var ans Answer
	if err := reply.UnmarshalBody(&ans); err != nil {
		return "", fmt.Errorf("the %s tier at %s answered %s with nonsense: %w", tier, addr, typ, err)
	}
	return fmt.Sprintf("the %s tier at %s answered directly, past the web tier: %d flights", tier, addr, len(ans.Flights)), nil
}
