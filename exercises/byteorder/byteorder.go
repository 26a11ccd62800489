//go:build !solution

package byteorder

// Encode writes b in the wire layout described at FixedSize: big endian,
// the name as a uint16 byte count followed by its UTF-8 bytes.
//
// It fails with ErrNameTooLong when the name has more than MaxName bytes and
// with ErrNotUTF8 when the name is not valid UTF-8.
//
// Use encoding/binary's BigEndian (PutUint32, AppendUint16, ...) and
// math.Float64bits; not gob, not json: the point is to lay out every byte
// yourself.
func Encode(b Booking) ([]byte, error) {
	return nil, ErrNotImplemented
}

// Decode reads one booking from data, which must hold exactly one booking
// in the wire layout, nothing more.
//
// It fails with
//   - ErrShort when data ends before the booking does,
//   - ErrNameTooLong as soon as the name length field says more than MaxName
//     (never trust a length that came over the network),
//   - ErrTrailing when bytes are left after the price,
//   - ErrNotUTF8 when the name bytes are not valid UTF-8.
func Decode(data []byte) (Booking, error) {
	return Booking{}, ErrNotImplemented
}
