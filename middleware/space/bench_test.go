package space_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"dsdemo/middleware/space"
	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// pipeline is how many write+take pairs the benchmark keeps in flight on
// its connection, so the figures measure the space, not round trips.
const pipeline = 64

// BenchmarkWriteTake: pairs of a write of a small entry and a take of
// exactly that entry by template (type and one field), against the real
// space program over TCP.
func BenchmarkWriteTake(b *testing.B) {
	s := programtest.StartServer(b, bin(b, "space"), "--listen", "127.0.0.1:0")
	c, err := space.Dial(context.Background(), wire.NewNode("bench"), s.Addr, programtest.Patience)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	slots := make(chan struct{}, pipeline)
	var wg sync.WaitGroup
	b.ResetTimer()
	for i := range b.N {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			e := space.Entry{Type: "bench", Fields: map[string]any{"n": float64(i), "text": "0123456789abcdef"}}
			ctx := context.Background()
			if _, err := c.Write(ctx, e, time.Minute, 0); err != nil {
				b.Error(err)
				return
			}
			res, err := c.Take(ctx, space.MatchRequest{Template: space.Entry{Type: "bench", Fields: map[string]any{"n": float64(i)}}})
			if err != nil || !res.Found {
				b.Error("take:", err, res.Found)
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkFarm: one picture of 256x128 pixels in 16x8 tiles at 30000
// iterations, computed by 1, 2 and 4 worker programs through the space,
// from the master's first write to its last take.
func BenchmarkFarm(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			s := programtest.StartServer(b, bin(b, "space"), "--listen", "127.0.0.1:0")
			for i := range n {
				programtest.Start(b, bin(b, "worker"), "--space", s.Addr, "--name", fmt.Sprintf("worker-%d", i+1))
			}
			tiles := 0
			b.ResetTimer()
			for range b.N {
				stdout, stderr, code := programtest.Run(b, bin(b, "master"), "--space", s.Addr,
					"--size", "256x128", "--grid", "16x8", "--iter", "30000", "render")
				if code != 0 || !strings.Contains(stdout, "each once") {
					b.Fatalf("master: %d %s %s", code, stdout, stderr)
				}
				tiles += 128
			}
			b.ReportMetric(float64(tiles)/b.Elapsed().Seconds(), "tiles/s")
		})
	}
}
