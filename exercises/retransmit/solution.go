//go:build solution

package retransmit

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"time"
)

// A frame on the wire, big-endian:
//
//	+----------+----------+-------------------+
//	| CRC-32   | sequence | message (data     |
//	| 4 bytes  | 4 bytes  | frames only)      |
//	+----------+----------+-------------------+
//
// The CRC-32 covers everything after it. An acknowledgement is a frame
// without a message; its sequence number says which message arrived.
const headerSize = 8

// resendAfter is how long the sender waits for an acknowledgement before it
// sends again. The links here have no delay, so an answer that has not come
// after a few milliseconds is lost; a real network would need its measured
// round-trip time plus a margin.
const resendAfter = 3 * time.Millisecond

// seal builds a frame: checksum, sequence number, message.
func seal(seq uint32, msg []byte) []byte {
	frame := make([]byte, headerSize+len(msg))
	binary.BigEndian.PutUint32(frame[4:8], seq)
	copy(frame[headerSize:], msg)
	binary.BigEndian.PutUint32(frame[0:4], crc32.ChecksumIEEE(frame[4:]))
	return frame
}

// open checks a frame and takes it apart. ok is false for a frame that was
// damaged on the way: too short for a header, or its checksum does not match.
func open(frame []byte) (seq uint32, msg []byte, ok bool) {
	if len(frame) < headerSize {
		return 0, nil, false
	}
	if crc32.ChecksumIEEE(frame[4:]) != binary.BigEndian.Uint32(frame[0:4]) {
		return 0, nil, false
	}
	return binary.BigEndian.Uint32(frame[4:8]), frame[headerSize:], true
}

// Sender is the sending end: stop-and-wait, one message on its way at a time.
type Sender struct {
	data, acks *Link
	next       uint32 // the sequence number of the next message
}

// NewSender returns the sending end that sends over data and hears
// acknowledgements on acks.
func NewSender(data, acks *Link) *Sender {
	return &Sender{data: data, acks: acks}
}

// Send sends msg until its acknowledgement arrives. Loss is masked by
// sending again; damage is detected by the checksum and then handled as
// loss.
func (s *Sender) Send(ctx context.Context, msg []byte) error {
	frame := seal(s.next, msg)
	for {
		s.data.Send(frame)
		if err := s.awaitAck(ctx); err == nil {
			s.next++
			return nil
		} else if ctx.Err() != nil {
			return err
		}
	}
}

// awaitAck waits up to resendAfter for an intact acknowledgement of the
// current message. Acknowledgements of earlier messages (late duplicates)
// and damaged ones are skipped.
func (s *Sender) awaitAck(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, resendAfter)
	defer cancel()
	for {
		frame, err := s.acks.Recv(ctx)
		if err != nil {
			return err
		}
		if seq, _, ok := open(frame); ok && seq == s.next {
			return nil
		}
	}
}

// Receiver is the receiving end.
type Receiver struct {
	data, acks *Link
	expected   uint32 // the sequence number of the next message to deliver
}

// NewReceiver returns the receiving end that reads frames from data and
// sends acknowledgements on acks.
func NewReceiver(data, acks *Link) *Receiver {
	return &Receiver{data: data, acks: acks}
}

// Run receives until ctx ends. It acknowledges every intact frame it has
// already delivered or delivers now – including a repeat, whose first
// acknowledgement may have been lost, or the sender would wait forever – and
// delivers only the one expected next.
func (r *Receiver) Run(ctx context.Context, deliver func(msg []byte)) error {
	for {
		frame, err := r.data.Recv(ctx)
		if err != nil {
			return err
		}
		seq, msg, ok := open(frame)
		if !ok || seq > r.expected {
			continue // damaged: say nothing, the sender sends it again
		}
		if seq == r.expected {
			deliver(msg)
			r.expected++
		}
		r.acks.Send(seal(seq, nil))
	}
}
