//go:build solution

package byteorder

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
)

// Encode writes b in the wire layout: big endian, the name as a uint16
// byte count followed by its UTF-8 bytes.
func Encode(b Booking) ([]byte, error) {
	// Check before writing anything, so a bad booking never leaves half a
	// record behind.
	if len(b.Passenger) > MaxName {
		return nil, fmt.Errorf("encode booking %d: %w (%d bytes)", b.ID, ErrNameTooLong, len(b.Passenger))
	}
	if !utf8.ValidString(b.Passenger) {
		return nil, fmt.Errorf("encode booking %d: %w", b.ID, ErrNotUTF8)
	}
	// The exact size is known, so one allocation suffices.
	buf := make([]byte, 0, FixedSize+len(b.Passenger))
	buf = binary.BigEndian.AppendUint32(buf, b.ID)
	// A negative int16 is sent as its two's complement bit pattern; the
	// conversion to uint16 keeps the bits and only changes how Go reads them.
	buf = binary.BigEndian.AppendUint16(buf, uint16(b.Seats))
	buf = binary.BigEndian.AppendUint64(buf, b.Departure)
	// len counts bytes, not characters: "Müller" is 6 letters but 7 bytes.
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(b.Passenger)))
	buf = append(buf, b.Passenger...)
	// IEEE 754 fixes how a float64 looks as 64 bits; the byte order of
	// those bits still has to be agreed on, like for any integer.
	buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(b.Price))
	return buf, nil
}

// Decode reads exactly one booking from data.
func Decode(data []byte) (Booking, error) {
	const head = 4 + 2 + 8 + 2 // the fields up to and including the name length
	if len(data) < head {
		return Booking{}, fmt.Errorf("decode booking: %w (%d of at least %d bytes)", ErrShort, len(data), FixedSize)
	}
	var b Booking
	b.ID = binary.BigEndian.Uint32(data[0:4])
	b.Seats = int16(binary.BigEndian.Uint16(data[4:6]))
	b.Departure = binary.BigEndian.Uint64(data[6:14])
	n := int(binary.BigEndian.Uint16(data[14:16]))
	// The length came from the other side: check it before using it, so a
	// broken or hostile sender cannot make us read (or allocate) too much.
	if n > MaxName {
		return Booking{}, fmt.Errorf("decode booking %d: %w (length field says %d)", b.ID, ErrNameTooLong, n)
	}
	want := FixedSize + n
	if len(data) < want {
		return Booking{}, fmt.Errorf("decode booking %d: %w (%d of %d bytes)", b.ID, ErrShort, len(data), want)
	}
	if len(data) > want {
		return Booking{}, fmt.Errorf("decode booking %d: %w (%d bytes, booking ends after %d)", b.ID, ErrTrailing, len(data), want)
	}
	name := data[head : head+n]
	if !utf8.Valid(name) {
		return Booking{}, fmt.Errorf("decode booking %d: %w", b.ID, ErrNotUTF8)
	}
	b.Passenger = string(name) // string() copies, so the booking does not keep data alive
	b.Price = math.Float64frombits(binary.BigEndian.Uint64(data[head+n:]))
	return b, nil
}
