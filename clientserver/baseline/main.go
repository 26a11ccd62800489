// Command baseline is the yardstick for the key-value server's benchmark: a
// minimal JSON-lines key-value server with no Lamport clock, no trace and no
// faults, speaking just enough of the wire format for the same client.
// `make bench` runs the real server against it; see BENCHMARKS.md.
//
// It imports no dsdemo package on purpose: what it costs is what the
// standard library costs, and nothing of the toolkit.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

type envelope struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Type    string `json:"type"`
	ID      uint64 `json:"id"`
	ReplyTo uint64 `json:"reply_to"`
	Clock   uint64 `json:"clock"`
	Body    struct {
		Key   string `json:"key"`
		Value string `json:"value,omitempty"`
		Found bool   `json:"found"`
	} `json:"body"`
}

var (
	mu    sync.RWMutex // guards store
	store = map[string]string{}
)

func main() {
	listen := flag.String("listen", "127.0.0.1:7199", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

// run serves on addr until ctx is done (SIGINT or SIGTERM). The store is
// in memory and there is nothing to flush, so stopping is closing the
// listener; the connections go with the process.
func run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err // "listen tcp ADDR: " would say again what the sentence says
	}
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	fmt.Println("listening on", ln.Addr())
	defer context.AfterFunc(ctx, func() { ln.Close() })()
	for {
		conn, err := ln.Accept()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, net.ErrClosed):
			return err
		case err != nil:
			continue // one failed accept (too many open files) does not stop the others
		}
		go serve(conn)
	}
}

func serve(conn net.Conn) {
	defer conn.Close()
	sc := bufio.NewScanner(conn)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e envelope
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		mu.Lock()
		switch e.Type {
		case "put":
			store[e.Body.Key], e.Body.Found = e.Body.Value, true
		case "get":
			e.Body.Value, e.Body.Found = store[e.Body.Key]
		case "del":
			_, e.Body.Found = store[e.Body.Key]
			delete(store, e.Body.Key)
		}
		mu.Unlock()
		e.From, e.To, e.ReplyTo, e.Type = "baseline", e.From, e.ID, e.Type+"_ok"
		line, _ := json.Marshal(e)
		if _, err := conn.Write(append(line, '\n')); err != nil {
			return
		}
	}
}
