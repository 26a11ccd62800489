//go:build !solution

package retransmit

import "context"

// Sender is the sending end of a reliable connection over two unreliable
// links: data carries the sender's frames to the receiver, acks carries the
// receiver's acknowledgements back.
type Sender struct {
	// TODO: the links, and the sequence number of the next message.
}

// NewSender returns the sending end that sends over data and hears
// acknowledgements on acks.
func NewSender(data, acks *Link) *Sender {
	// TODO
	return &Sender{}
}

// Send delivers msg reliably: it returns nil once the receiver has
// acknowledged msg, sending it again as often as needed until then. It
// returns ctx's error if ctx ends before the acknowledgement came.
//
// Each frame carries a sequence number and a CRC-32 checksum, so the
// receiver can tell a damaged frame and a message it already has. Send is
// called by one goroutine, one message at a time; msg may be empty.
func (s *Sender) Send(ctx context.Context, msg []byte) error {
	// TODO: frame = checksum + sequence number + msg; send it; wait a few
	// milliseconds for an intact ack of this sequence number; else send again.
	return ErrNotImplemented
}

// Receiver is the receiving end of a reliable connection: it reads frames
// from data and acknowledges them on acks.
type Receiver struct {
	// TODO: the links, and the sequence number expected next.
}

// NewReceiver returns the receiving end that reads frames from data and
// sends acknowledgements on acks.
func NewReceiver(data, acks *Link) *Receiver {
	// TODO
	return &Receiver{}
}

// Run receives until ctx ends, then returns ctx's error. It calls deliver
// with every message exactly once, intact and in the order they were sent:
// damaged frames are dropped (the sender will send them again), and a frame
// that arrives again is acknowledged again but not delivered again.
func (r *Receiver) Run(ctx context.Context, deliver func(msg []byte)) error {
	// TODO: read a frame; check its checksum; acknowledge its sequence
	// number; deliver it if it is the one expected next.
	return ErrNotImplemented
}
