package rpc

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"dsdemo/models/wire"
)

// Multicast discovery, Jini's way for a service to find lookup services
// nobody told it about: it shouts "where are the lookup services?" to a
// multicast group of the local network, and every lookup service that
// listens there answers with its address. It works only on a network that
// carries multicast, and only with lookup services that listen on an
// address the others can reach, so it is an option (--lan on the device
// and on the directory), never the default, and no test needs it; the
// demos use unicast discovery (--lookup ADDR,ADDR).
//
//	device --"dsdemo-jini discover"--> 239.255.41.60:4160 (UDP multicast)
//	directory --lan <-- joined the group
//	device <--"dsdemo-jini lookup 192.168.1.7:7800"-- directory (UDP unicast)

// lanEvery is how often a device asks the network again, so that a lookup
// service started later is found too.
const lanEvery = 10 * time.Second

// discoverEvery asks the local network for lookup services now and every
// lanEvery, and has jm join each new one, until ctx is done.
func discoverEvery(ctx context.Context, n *wire.Node, jm *JoinManager, wait time.Duration) {
	for {
		for _, addr := range DiscoverLAN(ctx, n, wait) {
			if jm.Add(ctx, addr) {
				n.Trace.Logf("multicast discovery found the lookup service at %s: joining it", addr)
			}
		}
		if !wallSleep(ctx, lanEvery) {
			return
		}
	}
}

// LANGroup is the multicast group and port of discovery requests.
const LANGroup = "239.255.41.60:4160"

const (
	lanRequest = "dsdemo-jini discover"
	lanAnswer  = "dsdemo-jini lookup "
)

// DiscoverLAN asks the local network for lookup services and returns the
// addresses that answer within wait.
func DiscoverLAN(ctx context.Context, n *wire.Node, wait time.Duration) []string {
	group, err := net.ResolveUDPAddr("udp4", LANGroup)
	if err != nil {
		return nil
	}
	conn, err := net.ListenUDP("udp4", nil)
	if err != nil {
		n.Trace.Logf("multicast discovery: %v", err)
		return nil
	}
	defer conn.Close()
	if _, err := conn.WriteToUDP([]byte(lanRequest), group); err != nil {
		n.Trace.Logf("multicast discovery: %v", err)
		return nil
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetReadDeadline(time.Now().Add(wait))
	seen := map[string]bool{}
	var found []string
	buf := make([]byte, 512)
	for {
		k, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			break
		}
		addr, ok := strings.CutPrefix(string(buf[:k]), lanAnswer)
		if !ok || seen[addr] || checkRegistration(RegisterRequest{Name: "x", Interface: "x", Address: addr}) != nil {
			continue
		}
		seen[addr] = true
		found = append(found, addr)
		n.Trace.Logf("multicast discovery: a lookup service at %s", addr)
	}
	return found
}

// AnswerLANDiscovery answers every discovery request on the local
// network with addr, the lookup service's own address, until ctx is done.
func AnswerLANDiscovery(ctx context.Context, n *wire.Node, addr string) error {
	group, err := net.ResolveUDPAddr("udp4", LANGroup)
	if err != nil {
		return err
	}
	conn, err := net.ListenMulticastUDP("udp4", nil, group)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	buf := make([]byte, 512)
	for {
		k, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		if string(buf[:k]) != lanRequest {
			continue
		}
		n.Trace.Logf("multicast discovery request from %s: answered", from)
		conn.WriteToUDP([]byte(lanAnswer+addr), from)
	}
}
