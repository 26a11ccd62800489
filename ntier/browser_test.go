package ntier_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowser drives a real headless Chromium through the web tier, as a
// passenger would: search a flight, book a seat, read the confirmation,
// find the booking with its reference and cancel it. It
// skips when Chromium is not installed, unless DSDEMO_REQUIRE_BROWSER is set
// (CI sets it, so that a missing browser fails there).
func TestBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("DSDEMO_REQUIRE_BROWSER") != "" {
			t.Fatalf("DSDEMO_REQUIRE_BROWSER is set but chromium is not installed: %v", err)
		}
		t.Skip("chromium is not installed (apt-get install -y chromium); set DSDEMO_REQUIRE_BROWSER=1 to fail instead of skipping")
	}
	s := startTiers(t, build(t), 1)

	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc() // ends Chromium and waits for it
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(browser, 2*time.Minute)
	defer cancel()

	var results, confirmation, title, id, reference, cancelled string
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/"),
		chromedp.WaitVisible("#from", chromedp.ByID),
		chromedp.SendKeys("#from", "Stuttgart", chromedp.ByID),
		chromedp.Click("#search", chromedp.ByID),
		// The home page lists every flight already: wait for the page of
		// the search, whose form was written with the city (typing sets
		// the field's value, never its attribute).
		chromedp.WaitVisible(`#from[value="Stuttgart"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#flights a.book", chromedp.ByQuery),
		chromedp.Text("#flights", &results, chromedp.ByID),
		chromedp.Click("#flights a.book", chromedp.ByQuery),
		chromedp.WaitVisible("#passenger", chromedp.ByID),
		chromedp.SendKeys("#passenger", "Ada Lovelace", chromedp.ByID),
		chromedp.Click("#book", chromedp.ByID),
		chromedp.WaitVisible("#confirmation", chromedp.ByID),
		chromedp.Text("#confirmation", &confirmation, chromedp.ByID),
		chromedp.Text("#booking-id", &id, chromedp.ByID),
		chromedp.Text("#reference", &reference, chromedp.ByID),
		chromedp.Title(&title),
	)
	require.NoError(t, err)
	assert.Contains(t, results, "DS 440")
	assert.NotContains(t, results, "Berlin", "only the flights from Stuttgart")
	assert.True(t, strings.HasPrefix(title, "Booking confirmed"), title)
	assert.Contains(t, confirmation, "Ada Lovelace on flight DS 440")
	bookingID, err := strconv.ParseInt(id, 10, 64)
	require.NoError(t, err, id)
	assert.Equal(t, "Ada Lovelace", readBooking(t, s.url, bookingID, reference).Passenger, "the booking is in the data tier")

	// The forms carry the CSRF token of the browser's cookie: looking the
	// booking up and cancelling it from the browser works.
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/bookings"),
		chromedp.WaitVisible("#find-id", chromedp.ByID),
		chromedp.SendKeys("#find-id", id, chromedp.ByID),
		chromedp.SendKeys("#find-reference", reference, chromedp.ByID),
		chromedp.Click("#find", chromedp.ByID),
		chromedp.WaitVisible("#cancel", chromedp.ByID),
		chromedp.Click("#cancel", chromedp.ByID),
		chromedp.WaitVisible("#cancelled", chromedp.ByID),
		chromedp.Text("#cancelled", &cancelled, chromedp.ByID),
	)
	require.NoError(t, err)
	assert.Contains(t, cancelled, "is cancelled")
	assert.NotEmpty(t, readBooking(t, s.url, bookingID, reference).Cancelled)
}
