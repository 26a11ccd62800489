//go:build !unix

package wire

import "net"

// peerHungUp cannot peek at a socket on this system; the connection's own
// reader is the only one to notice a hang-up.
func peerHungUp(net.Conn) bool { return false }
