package ntier

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/wire"
)

// The booker sends a booking whose outcome is unknown (502) again with the
// same request id, and stops at the first real answer; a refusal is not
// sent again.
func TestBookerResendsWithTheSameKey(t *testing.T) {
	var (
		mu   sync.Mutex // guards keys
		keys []string
	)
	answers := []string{"502", "502", "201"}
	web := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get(HeaderIdempotencyKey))
		n := len(keys)
		mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		switch {
		case r.Header.Get("Content-Type") != "application/json":
			rw.WriteHeader(http.StatusUnsupportedMediaType)
		case n <= len(answers) && answers[n-1] == "502":
			rw.WriteHeader(http.StatusBadGateway)
			rw.Write([]byte(`{"error":"The outcome is unknown: the app tier failed."}`))
		case n <= len(answers):
			rw.Header().Set(HeaderReplayed, "true")
			rw.WriteHeader(http.StatusCreated)
			rw.Write([]byte(`{"id":7,"reference":"K7QZM4XW2A","passenger":"Ada Lovelace"}`))
		default:
			rw.WriteHeader(http.StatusConflict)
			rw.Write([]byte(`{"error":"flight DS 330 is full"}`))
		}
	}))
	defer web.Close()
	b := newBooker(wire.NewNode("client-1"), web.URL, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	r, err := b.book(ctx, 5, "Ada Lovelace")
	require.NoError(t, err)
	assert.Equal(t, 3, r.Attempts)
	assert.True(t, r.Replayed)
	assert.Equal(t, "K7QZM4XW2A", r.Booking.Reference)
	require.Len(t, keys, 3)
	assert.NoError(t, checkRequestID(keys[0]))
	assert.Equal(t, []string{keys[0], keys[0], keys[0]}, keys, "one request id for every attempt")
	assert.Equal(t, []Booking{r.Booking}, b.wallet(), "the booking is kept with its reference")

	r, err = b.book(ctx, 5, "Grace Hopper")
	var api *httpError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, http.StatusConflict, api.Status)
	assert.Equal(t, 1, r.Attempts, "a refusal is an answer")
	assert.NotEqual(t, keys[0], keys[3], "a new booking, a new request id")
}
