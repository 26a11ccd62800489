package proxy

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

// TestProxyReportsFreshnessAndFill runs the real origin and cache proxy
// traced to a collector: an entry the proxy stores or serves shows its
// freshness as a timer labelled with its path, a no-cache entry says it is
// never fresh, the cache's fill is a gauge of --cache-size, and however
// many paths are asked, only freshSlotCount timer keys are used.
func TestProxyReportsFreshnessAndFill(t *testing.T) {
	dir := programtest.Build(t, "dsdemo/proxy/origin", "dsdemo/proxy/cacheproxy")
	rec := programtest.NewRecorder(t)
	origin := programtest.StartServer(t, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:0")
	cp := programtest.StartServer(t, filepath.Join(dir, "cacheproxy"), "--listen", "127.0.0.1:0",
		"--origin", "http://"+origin.Addr, "--cache-size", "1MiB", "--trace", rec.Addr())
	base := "http://" + cp.Addr

	freshTimer := func(path string) func(trace.Event) bool {
		return func(ev trace.Event) bool {
			return ev.Kind == trace.KindState && strings.HasPrefix(ev.Key, freshState+" ") && ev.Timer != nil && ev.Timer.Label == path
		}
	}
	request(t, "GET", base+"/static/a")
	stored := rec.WaitN(t, 1, freshTimer("/static/a"))
	assert.Equal(t, "fresh 1", stored[0].Key)
	assert.Equal(t, int64(60000), stored[0].Timer.MS, "max-age=60")
	assert.Less(t, stored[0].Timer.ElapsedMS, int64(5000), "just stored")

	resp, _ := request(t, "GET", base+"/static/a")
	require.Equal(t, Hit, resp.Header.Get(HeaderXCache))
	served := rec.WaitN(t, 2, freshTimer("/static/a"))
	assert.Equal(t, "fresh 1", served[1].Key, "the same path keeps its slot")
	assert.GreaterOrEqual(t, served[1].Timer.ElapsedMS, served[0].Timer.ElapsedMS, "older when served than when stored")

	fill := rec.WaitN(t, 1, func(ev trace.Event) bool { return ev.Key == StateFill && ev.Gauge != nil && ev.Gauge.Value > 0 })
	assert.Equal(t, int64(1<<20), fill[0].Gauge.Max, "--cache-size")
	assert.Equal(t, "B", fill[0].Gauge.Unit)

	request(t, "GET", base+"/etag/a")
	rec.WaitFor(t, "no-cache entry never fresh", programtest.Has(func(ev trace.Event) bool {
		return ev.Kind == trace.KindState && ev.Timer == nil && ev.Value == "/etag/a: never fresh, asked again each time"
	}))

	for i := range 6 {
		request(t, "GET", fmt.Sprintf("%s/static/p%d", base, i))
	}
	rec.WaitN(t, 1, freshTimer("/static/p5"))
	keys := map[string]bool{}
	for _, ev := range rec.All() {
		if ev.Kind == trace.KindState && strings.HasPrefix(ev.Key, freshState) {
			keys[ev.Key] = true
		}
	}
	assert.Equal(t, map[string]bool{"fresh 1": true, "fresh 2": true, "fresh 3": true}, keys, "bounded: the latest paths share three keys")
}

func TestFreshSlots(t *testing.T) {
	var f freshSlots
	at := time.Unix(0, 0)
	tick := func() time.Time { at = at.Add(time.Second); return at }
	assert.Equal(t, 0, f.slot("/a", tick()))
	assert.Equal(t, 1, f.slot("/b", tick()))
	assert.Equal(t, 2, f.slot("/c", tick()))
	assert.Equal(t, 0, f.slot("/a", tick()), "a path keeps its slot")
	assert.Equal(t, 1, f.slot("/d", tick()), "a new path takes the slot reported longest ago")
	assert.Equal(t, 2, f.slot("/e", tick()))
}
