package proxy

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"dsdemo/models/program/programtest"
	"dsdemo/models/wire"
)

// BenchmarkHits compares the cache proxy's hit throughput with nginx's
// proxy_cache (Debian's nginx, with testdata/nginx.conf) on the same origin
// and the same load: 50 clients, 100,000 requests over 100 resources with a
// Zipf popularity, so nearly every answer is a hit. Run it with -benchtime 1x
// (make bench does). Without nginx it measures the cache proxy alone.
func BenchmarkHits(b *testing.B) {
	dir := programtest.Build(b, "dsdemo/proxy/origin", "dsdemo/proxy/cacheproxy", "dsdemo/proxy/load")
	// nginx.conf fixes the origin's and nginx's ports.
	programtest.StartServer(b, filepath.Join(dir, "origin"), "--listen", "127.0.0.1:7211")
	cp := programtest.StartServer(b, filepath.Join(dir, "cacheproxy"), "--listen", "127.0.0.1:0", "--origin", "http://127.0.0.1:7211")

	targets := []struct{ name, url string }{{"cacheproxy", "http://" + cp.Addr}}
	if nginx, err := exec.LookPath("nginx"); err == nil {
		startNginx(b, nginx)
		targets = append(targets, struct{ name, url string }{"nginx", "http://127.0.0.1:7411"})
	} else {
		b.Log("nginx is not installed (apt-get install nginx-light): measuring the cache proxy alone")
	}
	rates := map[string]float64{}
	for _, target := range targets {
		b.Run(target.name, func(b *testing.B) {
			for range b.N {
				out, errOut, code := programtest.Run(b, filepath.Join(dir, "load"), "--url", target.url,
					"-c", "50", "-n", "100000", "--keys", "100", "--zipf", "1.1")
				if code != 0 {
					b.Fatalf("load: %s", errOut)
				}
				m := loadSummary.FindStringSubmatch(out)
				if m == nil {
					b.Fatalf("no summary in %q", out)
				}
				rate, _ := strconv.ParseFloat(m[1], 64)
				p99, _ := time.ParseDuration(m[3])
				hit, _ := strconv.ParseFloat(m[4], 64)
				rates[target.name] = rate
				b.ReportMetric(rate, "req/s")
				b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
				b.ReportMetric(hit, "hit-ratio")
			}
		})
	}
	if rates["nginx"] > 0 {
		b.Logf("cacheproxy/nginx hit throughput = %.2f (target >= 0.70)", rates["cacheproxy"]/rates["nginx"])
	}
}

var loadSummary = regexp.MustCompile(`: (\d+) req/s, p50 (\S+), p99 (\S+), \d+ errors, hit ratio ([\d.]+)`)

// startNginx runs nginx in the foreground with the repo's config and a
// prefix of its own, and stops it when the benchmark ends.
func startNginx(b *testing.B, nginx string) {
	conf, err := filepath.Abs(filepath.Join("testdata", "nginx.conf"))
	if err != nil {
		b.Fatal(err)
	}
	// nginx's workers drop root and must still reach their cache and temp
	// files, so the prefix hangs right under the temp dir, open to read.
	prefix, err := os.MkdirTemp("", "dsdemo-nginx-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(prefix) })
	if err := os.Chmod(prefix, 0o755); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", prefix, "-c", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("start nginx: %v", err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT)
		cmd.Wait()
	})
	// Wait until it accepts connections: nginx prints no "listening on".
	deadline := time.Now().Add(programtest.Patience)
	for {
		if conn, err := net.Dial("tcp", "127.0.0.1:7411"); err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			b.Fatal("nginx did not start; see its error.log under " + prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// BenchmarkServeHit measures the proxy's own work for one hit, in process,
// without the network: access check, filter, cache lookup and writing the
// stored answer. It is the part of BenchmarkHits the proxy's code decides.
func BenchmarkServeHit(b *testing.B) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		io.WriteString(w, strings.Repeat("x", 1000))
	}))
	defer origin.Close()
	u, _ := url.Parse(origin.URL)
	p, err := newCachingProxy(wire.NewNode("proxy"), ProxyConfig{Origin: u, Block: []string{"/ads/*"}, Token: "class"})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1:7300/static/k1", nil)
	req.Header.Set("Proxy-Authorization", "Bearer class")
	p.ServeHTTP(httptest.NewRecorder(), req) // the miss that stores it
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		if w.Header().Get("X-Cache") != Hit {
			b.Fatalf("X-Cache %q", w.Header().Get("X-Cache"))
		}
	}
}
