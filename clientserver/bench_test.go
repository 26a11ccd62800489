package clientserver_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"dsdemo/clientserver"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
)

// BenchmarkLoad measures the key-value server as a student's load run does:
// the client program with 50 concurrent clients against a server process,
// over loopback. It compares three servers with the same client:
//
//	baseline  a minimal JSON-lines server (clientserver/baseline): no clock, no trace, no faults
//	server    the real server, tracing off
//	traced    the real server, tracing every event to a collector that decodes all of them
//
// Run it with -benchtime 1x (make bench does); each run sends loadRequests
// requests. Besides req/s and latency it reports the server's own CPU time
// per request, read from /proc, because on two cores the client and the
// server share the machine and req/s alone hides which side is the cost.
func BenchmarkLoad(b *testing.B) {
	dir := programtest.Build(b, "dsdemo/clientserver/server", "dsdemo/clientserver/client", "dsdemo/clientserver/baseline")
	client := filepath.Join(dir, "client")
	results := map[string]loadResult{}
	variants := []struct {
		name, bin string
		traced    bool
	}{
		{"baseline", "baseline", false},
		{"server", "server", false},
		{"traced", "server", true},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			for range b.N {
				args := []string{"--listen", "127.0.0.1:0"}
				var events atomic.Int64
				if v.traced {
					c, err := trace.Listen("127.0.0.1:0", func(trace.Event) { events.Add(1) })
					if err != nil {
						b.Fatal(err)
					}
					defer c.Close()
					args = append(args, "--trace", c.Addr())
				}
				srv := programtest.StartServer(b, filepath.Join(dir, v.bin), args...)
				cpu0 := cpuTime(b, srv.Cmd.Process.Pid)
				out, errOut, code := programtest.Run(b, client, "--server", srv.Addr, "--bench", "-c", "50", "-n", strconv.Itoa(loadRequests))
				if code != 0 {
					b.Fatalf("client: %s", errOut)
				}
				r := parseLoad(b, out)
				r.serverCPU = (cpuTime(b, srv.Cmd.Process.Pid) - cpu0) / time.Duration(loadRequests)
				results[v.name] = r
				b.ReportMetric(r.rate, "req/s")
				b.ReportMetric(float64(r.p50.Microseconds()), "p50-µs")
				b.ReportMetric(float64(r.p99.Microseconds()), "p99-µs")
				b.ReportMetric(float64(r.serverCPU.Nanoseconds())/1000, "server-cpu-µs/req")
				if v.traced {
					b.ReportMetric(float64(events.Load()), "events")
				}
			}
		})
	}
	base, srv, traced := results["baseline"], results["server"], results["traced"]
	if base.rate > 0 && srv.rate > 0 && traced.rate > 0 {
		b.Logf("server/baseline = %.2f (target >= 0.50); traced/server = %.2f (target >= 0.70)", srv.rate/base.rate, traced.rate/srv.rate)
		b.Logf("server CPU per request: baseline %s, server %s, traced %s", base.serverCPU, srv.serverCPU, traced.serverCPU)
	}
}

// BenchmarkLoadFrozenReplica measures what one frozen replica costs the
// group in replicate mode (BENCHMARKS.md, "one frozen replica"): the client
// program's load mode, 50 clients, through server-1 and server-3, first with
// all three replicas up, then with server-2 stopped (SIGSTOP). A replica that
// misses a deadline is suspected and no write waits for it again, so the
// frozen run should be as fast as the other. Run it with -benchtime 1x.
func BenchmarkLoadFrozenReplica(b *testing.B) {
	dir := programtest.Build(b, "dsdemo/clientserver/server", "dsdemo/clientserver/client")
	for _, frozen := range []bool{false, true} {
		name := "all-up"
		if frozen {
			name = "server-2-frozen"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				srvs := group(b, filepath.Join(dir, "server"), clientserver.Replicate, 3, func(int) []string { return nil })
				if frozen {
					if err := srvs[1].Cmd.Process.Signal(syscall.SIGSTOP); err != nil {
						b.Fatal(err)
					}
				}
				out, errOut, code := programtest.Run(b, filepath.Join(dir, "client"), "--server", srvs[0].Addr+","+srvs[2].Addr,
					"--bench", "-c", "50", "-n", strconv.Itoa(frozenRequests))
				if code != 0 {
					b.Fatalf("client: %s", errOut)
				}
				r := parseLoad(b, out)
				b.ReportMetric(r.rate, "req/s")
				b.ReportMetric(float64(r.p50.Microseconds()), "p50-µs")
				b.ReportMetric(float64(r.p99.Microseconds()), "p99-µs")
			}
		})
	}
}

// frozenRequests is the size of one run of BenchmarkLoadFrozenReplica.
const frozenRequests = 20000

// loadRequests is the size of one load run: about five seconds here.
const loadRequests = 200000

type loadResult struct {
	rate      float64
	p50, p99  time.Duration
	serverCPU time.Duration
}

var loadLine = regexp.MustCompile(`(\d+) requests in ([\d.]+)s: (\d+) req/s, p50 (\S+), p99 (\S+), (\d+) errors`)

func parseLoad(b *testing.B, out string) loadResult {
	m := loadLine.FindStringSubmatch(out)
	if m == nil {
		b.Fatalf("no summary in client output %q", out)
	}
	if m[6] != "0" {
		b.Fatalf("%s requests failed", m[6])
	}
	var r loadResult
	r.rate, _ = strconv.ParseFloat(m[3], 64)
	r.p50, _ = time.ParseDuration(m[4])
	r.p99, _ = time.ParseDuration(m[5])
	return r
}

// cpuTime returns the user plus system CPU time a process has used so far.
func cpuTime(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}
