package security

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"dsdemo/models/wire"
)

// maxPeers is how many connections a person or Mallory serves at once;
// one more is closed at once.
const maxPeers = 256

// serveSniffed is the listening side of a person and of Mallory: it
// accepts connections on ln until ctx is done and serves each on its own
// goroutine. A person may speak TLS or plain envelopes on the same port,
// so the first byte tells which comes: tlsFirst is true when it is 0x16,
// the first byte of a TLS handshake record. serve gets the connection
// with that byte still to be read; the connection closes when serve
// returns or ctx is done, or when the first byte takes longer than
// wire.FrameTimeout.
func serveSniffed(ctx context.Context, ln net.Listener, serve func(ctx context.Context, nc net.Conn, tlsFirst bool)) {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, maxPeers)
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // out of file descriptors and the like
			continue
		}
		select {
		case slots <- struct{}{}:
		default:
			nc.Close()
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			defer nc.Close()
			stop := context.AfterFunc(ctx, func() { nc.Close() })
			defer stop()
			r := bufio.NewReader(nc)
			_ = nc.SetReadDeadline(time.Now().Add(wire.FrameTimeout)) // a peer that connects and says nothing gives its slot back
			first, err := r.Peek(1)
			if err != nil {
				return
			}
			_ = nc.SetReadDeadline(time.Time{})
			serve(ctx, peeked{Conn: nc, r: r}, first[0] == 0x16)
		})
	}
}

// peeked is a connection whose first bytes were read ahead.
type peeked struct {
	net.Conn
	r *bufio.Reader
}

func (p peeked) Read(b []byte) (int, error) { return p.r.Read(b) }
