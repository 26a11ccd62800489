//go:build unix

package wire

import (
	"errors"
	"net"
	"syscall"
)

// peerHungUp reports whether the other end of an idle connection has
// closed it, or sent something nobody asked for, without taking a byte
// from the connection's reader: it peeks at the socket without waiting.
func peerHungUp(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var dead bool
	err = raw.Control(func(fd uintptr) {
		var b [1]byte
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// "Would block" means open and quiet, as an idle connection should
		// be. Anything else is not worth the risk: 0 bytes (the peer hung
		// up), an error (reset), or bytes the reader has not taken yet (a
		// late duplicate, or a peer talking out of turn).
		dead = !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EWOULDBLOCK)
	})
	return err != nil || dead
}
