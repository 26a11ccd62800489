package httpwire_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dsdemo/models/httpwire"
	"dsdemo/models/wire"
)

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzClockHeader puts any text in the Dsdemo-Clock header of a request
// (read by the Middleware) and of a response (read by the Transport). A
// clock header is a number or no clock at all: either the message is taken
// and the node's Lamport clock moves past the clock it carried, never
// backwards and never beyond wire.MaxClock, or it is refused with a reason
// and the clock stays where it was. Nothing panics.
func FuzzClockHeader(f *testing.F) {
	for _, seed := range []string{"5", "", "0", "4294967296", "4294967297", "18446744073709551614",
		"18446744073709551616", "-1", "+7", " 7", "0x10", "1e9", "\xff\xfe", "٣"} {
		f.Add(seed)
	}
	const start = 1000 // the node has seen this time; it is start+1 when the message comes
	f.Fuzz(func(t *testing.T, clock string) {
		want, parsed := expectedClock(clock)

		t.Run("request", func(t *testing.T) {
			n := wire.NewNode("origin")
			_, err := n.Clock.Observe(start)
			require.NoError(t, err)
			served := false
			h := httpwire.Middleware(n, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served = true }))
			r := httptest.NewRequest("GET", "/a", nil)
			r.Header[httpwire.HeaderClock] = []string{clock}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			checkClock(t, n, start+1, want, parsed, served, rec.Code)
		})
		t.Run("response", func(t *testing.T) {
			n := wire.NewNode("client")
			_, err := n.Clock.Observe(start)
			require.NoError(t, err)
			base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				h := http.Header{httpwire.HeaderClock: []string{clock}}
				return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
			})
			resp, err := (&httpwire.Transport{Node: n, Base: base}).RoundTrip(httptest.NewRequest("GET", "http://origin/a", nil))
			if err == nil {
				resp.Body.Close()
				require.Equal(t, 200, resp.StatusCode)
			} else {
				require.ErrorIs(t, err, wire.ErrClockAhead, "the only reason to refuse an answer here")
			}
			checkClock(t, n, start+2, want, parsed, err == nil, 0) // after its own tick for the request
		})
	})
}

// expectedClock is what the header says: a clock, or none (0) for text
// that is not a decimal number. A number too large for 64 bits is as far
// ahead as a clock can be.
func expectedClock(header string) (clock uint64, parsed bool) {
	v, err := strconv.ParseUint(header, 10, 64)
	if err != nil && v == 0 {
		return 0, false
	}
	return v, true
}

// checkClock checks the node's clock after a message that carried want
// arrived at local time local.
func checkClock(t *testing.T, n *wire.Node, local, want uint64, parsed, taken bool, code int) {
	t.Helper()
	now := n.Clock.Now()
	require.LessOrEqual(t, now, uint64(wire.MaxClock), "the clock never passes MaxClock")
	if want > wire.MaxClock || want > local && want-local > wire.MaxClockJump {
		require.False(t, taken, "a clock %d ahead of %d by more than MaxClockJump is refused", want, local)
		require.Equal(t, local, now, "a refused message leaves the clock alone")
		if code != 0 {
			require.Equal(t, http.StatusBadRequest, code)
		}
		return
	}
	require.True(t, taken, "a clock of %d (parsed %v) is taken", want, parsed)
	require.GreaterOrEqual(t, now, min(max(local, want)+1, wire.MaxClock), "the receiver's clock passes the sender's")
}
