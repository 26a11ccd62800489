package proxy

import (
	"strconv"
	"sync"
	"time"

	"dsdemo/models/trace"
)

// What the cache shows a viewer, besides its counts (report): how full it
// is, a gauge of bytes of --cache-size, and how long the entries it just
// stored or served stay fresh, a timer each. A cache may hold thousands of
// entries, so only the latest freshSlotCount paths get a timer: each path keeps
// its slot while it is among them, and a new one takes the slot reported
// longest ago. The state keys are fixed ("fresh 1" to "fresh 3"), so a
// viewer's list of keys stays short however many paths a run asks for; the
// path is the timer's label.
const (
	StateFill      = "fill"  // proxy: a gauge, the cache's bytes of --cache-size
	freshSlotCount = 3       // how many entries' freshness the proxy shows at once
	freshState     = "fresh" // proxy: "fresh 1" ... "fresh 3", a timer labelled with the path
)

// freshSlots remembers which path has which slot.
type freshSlots struct {
	mu    sync.Mutex
	paths [freshSlotCount]string    // the path in each slot; "" for a free one
	used  [freshSlotCount]time.Time // when each slot was last reported
}

// slot returns the slot of path: its own, a free one, or the one reported
// longest ago.
func (f *freshSlots) slot(path string, now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	pick := 0
	for i, p := range f.paths {
		if p == path {
			pick = i
			break
		}
		if f.paths[pick] != "" && (p == "" || f.used[i].Before(f.used[pick])) {
			pick = i
		}
	}
	f.paths[pick], f.used[pick] = path, now
	return pick
}

// reportFresh shows how long e stays fresh, at now: a timer of its
// freshness lifetime of which its age has passed, labelled with path. An
// entry with no lifetime (no-cache, or no freshness information) is never
// fresh: its slot says so in words. A lifetime over a day is drawn as a
// day, the longest timer the protocol carries.
func (p *cachingProxy) reportFresh(path string, e *entry, now time.Time) {
	if p.node.Trace == nil {
		return
	}
	key := freshState + " " + strconv.Itoa(p.fresh.slot(path, now)+1)
	if e.lifetime <= 0 {
		p.node.Trace.EndTimer(key, path+": never fresh, asked again each time")
		return
	}
	t := trace.TimerFor(path, e.lifetime)
	t.ElapsedMS = min(e.age(now).Milliseconds(), t.MS)
	p.node.Trace.Timer(key, t)
}

// reportFill shows how full the cache is.
func (p *cachingProxy) reportFill() {
	_, size := p.cache.stats()
	p.node.Trace.Gauge(StateFill, size, p.cfg.CacheSize, "B")
}
