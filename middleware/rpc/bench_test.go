package rpc_test

import (
	"context"
	"fmt"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	dsrpc "dsdemo/middleware/rpc"
	"dsdemo/models/wire"
)

// The benchmarks run everything in one process over real TCP on
// 127.0.0.1, tracing off:
//
//	go test -run '^$' -bench . -benchtime 2s ./middleware/rpc/
//
// BenchmarkCall compares the path of the model (stub, codec, wire,
// skeleton) with Go's own net/rpc and its jsonrpc codec serving the same
// Bank; both sequential (one caller, which shows the latency: p99 in µs)
// and with parallel callers over one connection each side, whose calls
// are outstanding at once (Server.Serve answers each on its own
// goroutine, as net/rpc does).

// startBank serves an Accounts through the model's skeleton, registered
// with an in-process directory, and returns a client that has looked it up.
func startBank(b *testing.B, codec string) *dsrpc.Client {
	_, dir := serveDirectory(b, dsrpc.DefaultDirectoryConfig())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := dsrpc.DefaultServerConfig()
	cfg.Accounts = map[string]int64{"alice": 1 << 60, "bob": 0}
	node := wire.NewNode("rpcserver")
	srv := dsrpc.NewServer(node, dsrpc.BankSkeleton(dsrpc.NewAccounts(cfg.Accounts)), cfg)
	var wg sync.WaitGroup
	wg.Go(func() { srv.Serve(ctx, ln) })
	_, err = dir.Register(ctx, dsrpc.RegisterRequest{Name: "bank", Interface: "Bank", Address: ln.Addr().String()})
	require.NoError(b, err)
	ccfg := dsrpc.DefaultClientConfig()
	ccfg.Directory, ccfg.Codec = dir.Addr(), codec
	c := dsrpc.NewClient(wire.NewNode("rpcclient"), ccfg, nil)
	b.Cleanup(func() {
		c.Close()
		cancel()
		wg.Wait()
	})
	return c
}

// NetRPCBank is the same Bank for net/rpc, whose methods must have the
// form Method(args *T, reply *R) error.
type NetRPCBank struct{ a *dsrpc.Accounts }

type TransferArgs struct {
	From, To string
	Cents    int64
}

func (n *NetRPCBank) Transfer(args *TransferArgs, balance *int64) error {
	var err error
	*balance, err = n.a.Transfer(context.Background(), args.From, args.To, args.Cents)
	return err
}

func startNetRPC(b *testing.B) *rpc.Client {
	s := rpc.NewServer()
	require.NoError(b, s.RegisterName("Bank", &NetRPCBank{a: dsrpc.NewAccounts(map[string]int64{"alice": 1 << 60, "bob": 0})}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.ServeCodec(jsonrpc.NewServerCodec(nc)) })
		}
	})
	nc, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(b, err)
	c := jsonrpc.NewClient(nc)
	b.Cleanup(func() {
		c.Close()
		ln.Close()
		wg.Wait()
	})
	return c
}

// timed runs call b.N times and reports the p99 latency.
func timed(b *testing.B, call func() error) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

func parallel(b *testing.B, call func() error) {
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

func BenchmarkCall(b *testing.B) {
	ctx := context.Background()
	for _, codec := range []string{"json", "binary"} {
		b.Run("stub-skeleton-"+codec, func(b *testing.B) {
			stub := startBank(b, codec).Bank
			timed(b, func() error { _, err := stub.Transfer(ctx, "alice", "bob", 1); return err })
		})
	}
	b.Run("net-rpc-jsonrpc", func(b *testing.B) {
		c := startNetRPC(b)
		timed(b, func() error {
			var bal int64
			return c.Call("Bank.Transfer", &TransferArgs{From: "alice", To: "bob", Cents: 1}, &bal)
		})
	})
	b.Run("parallel/stub-skeleton-json", func(b *testing.B) {
		stub := startBank(b, "json").Bank
		parallel(b, func() error { _, err := stub.Transfer(ctx, "alice", "bob", 1); return err })
	})
	b.Run("parallel/net-rpc-jsonrpc", func(b *testing.B) {
		c := startNetRPC(b)
		parallel(b, func() error {
			var bal int64
			return c.Call("Bank.Transfer", &TransferArgs{From: "alice", To: "bob", Cents: 1}, &bal)
		})
	})
}

func BenchmarkLookup(b *testing.B) {
	_, dc := serveDirectory(b, dsrpc.DefaultDirectoryConfig())
	ctx := context.Background()
	for i := range 100 {
		_, err := dc.Register(ctx, dsrpc.RegisterRequest{Name: fmt.Sprint("bank-", i), Interface: "Bank",
			Address: "127.0.0.1:1", Attributes: map[string]string{"branch": fmt.Sprint(i % 10)}})
		require.NoError(b, err)
	}
	b.Run("by-name", func(b *testing.B) {
		timed(b, func() error { _, err := dc.Lookup(ctx, dsrpc.LookupRequest{Name: "bank-42"}); return err })
	})
	b.Run("by-template", func(b *testing.B) {
		timed(b, func() error {
			_, err := dc.Lookup(ctx, dsrpc.LookupRequest{Interface: "Bank", Attributes: map[string]string{"branch": "3"}})
			return err
		})
	})
}
