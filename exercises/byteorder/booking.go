// Package byteorder is a coding exercise on external data formats: a flight
// booking is written as a fixed sequence of bytes in network byte order (big
// endian) and read back, by hand with encoding/binary.
//
// Two machines that exchange numbers must agree on how a number is laid out
// in bytes. An x86 or ARM laptop keeps 0x0012D687 in memory as 87 D6 12 00
// (little endian, lowest byte first); a network protocol sends it as
// 00 12 D6 87 (big endian, highest byte first). If the sender copied its
// memory onto the wire and the receiver copied the wire into its memory, a
// receiver with the other byte order would read a different number. An
// external data format fixes one layout for everyone, and each side converts
// between it and its own memory:
//
//	sender (little endian)        wire (big endian)         receiver (big endian)
//	87 D6 12 00  --Encode-->  00 12 D6 87 ...  --Decode-->  00 12 D6 87
//	= 1234567                  = 1234567                      = 1234567
//
// This file holds what the student's code and the grader share: the record,
// its layout and the errors. The student writes Encode and Decode in
// byteorder.go; the reference solution is in solution.go.
package byteorder

import "errors"

// Booking is one flight booking as the booking tier of a flight-booking
// system would send it to another machine.
type Booking struct {
	ID        uint32  // booking number
	Seats     int16   // seats booked; negative for a cancellation
	Departure uint64  // departure time in seconds since 1970-01-01 UTC
	Passenger string  // the passenger's name, UTF-8
	Price     float64 // price in euros
}

// The wire layout of a Booking. Every number is big endian (network byte
// order); the float is its IEEE 754 bit pattern as a uint64.
//
//	offset  size  field
//	0       4     ID          uint32
//	4       2     Seats       int16 (two's complement)
//	6       8     Departure   uint64
//	14      2     name length uint16, the number of BYTES of the name
//	16      n     Passenger   UTF-8 bytes, no terminating zero
//	16+n    8     Price       float64 as IEEE 754 bits, uint64
//
// A booking therefore takes exactly FixedSize + len(Passenger) bytes.
const (
	FixedSize = 4 + 2 + 8 + 2 + 8 // every field but the name's bytes
	MaxName   = 1024              // the longest name in bytes a booking may carry
)

// Errors of Encode and Decode. Return them (or an error wrapping them with
// %w), so that callers can tell the cases apart with errors.Is.
var (
	ErrShort          = errors.New("byteorder: input too short for a booking")
	ErrTrailing       = errors.New("byteorder: bytes left over after the booking")
	ErrNameTooLong    = errors.New("byteorder: passenger name longer than MaxName bytes")
	ErrNotUTF8        = errors.New("byteorder: passenger name is not valid UTF-8")
	ErrNotImplemented = errors.New("not implemented")
)
