//go:build grade

package byteorder

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// golden records and their exact bytes, worked out by hand from the layout
// in booking.go (spaces separate the fields).
var golden = []struct {
	name string
	b    Booking
	hex  string
}{
	{"mueller", Booking{ID: 1234567, Seats: 2, Departure: 1767225600, Passenger: "Müller", Price: 249.90},
		"0012d687 0002 000000006955b900 0007 4dc3bc6c6c6572 406f3ccccccccccd"},
	{"cancel-empty-name", Booking{ID: 7, Seats: -1, Departure: 0, Passenger: "", Price: math.Copysign(0, -1)},
		"00000007 ffff 0000000000000000 0000 8000000000000000"},
	{"extremes", Booking{ID: math.MaxUint32, Seats: math.MinInt16, Departure: math.MaxUint64, Passenger: "A", Price: math.Inf(1)},
		"ffffffff 8000 ffffffffffffffff 0001 41 7ff0000000000000"},
}

func goldenBytes(t *testing.T, h string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
	if err != nil {
		t.Fatalf("grader bug: bad golden hex %q: %v", h, err)
	}
	return b
}

// field names the field at offset off of a booking whose name has n bytes.
func field(off, n int) string {
	switch {
	case off < 4:
		return "ID (bytes 0-3)"
	case off < 6:
		return "Seats (bytes 4-5)"
	case off < 14:
		return "Departure (bytes 6-13)"
	case off < 16:
		return "name length (bytes 14-15)"
	case off < 16+n:
		return fmt.Sprintf("Passenger (bytes 16-%d)", 15+n)
	default:
		return fmt.Sprintf("Price (bytes %d-%d)", 16+n, 23+n)
	}
}

// same compares bookings, the price by its bits so NaN and -0 count too.
func same(a, b Booking) bool {
	return a.ID == b.ID && a.Seats == b.Seats && a.Departure == b.Departure &&
		a.Passenger == b.Passenger && math.Float64bits(a.Price) == math.Float64bits(b.Price)
}

func TestEncodeGolden(t *testing.T) {
	for _, g := range golden {
		t.Run("encode/"+g.name, func(t *testing.T) {
			want := goldenBytes(t, g.hex)
			got, err := Encode(g.b)
			if err != nil {
				t.Fatalf("Encode(%+v) failed: %v; want the bytes %x", g.b, err, want)
			}
			if bytes.Equal(got, want) {
				return
			}
			if len(got) != len(want) {
				t.Errorf("Encode(%+v): got %d bytes, want %d (FixedSize %d + %d name bytes)\n got  %x\n want %x",
					g.b, len(got), len(want), FixedSize, len(g.b.Passenger), got, want)
			}
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("Encode(%+v): first wrong byte at offset %d, in field %s: got %02x, want %02x\n got  %x\n want %x",
						g.b, i, field(i, len(g.b.Passenger)), got[i], want[i], got, want)
					break
				}
			}
			if len(got) >= 4 && binary.LittleEndian.Uint32(got) == g.b.ID && g.b.ID != binary.BigEndian.Uint32(got) {
				t.Errorf("hint: your ID bytes are little endian (lowest byte first); the wire wants big endian, use binary.BigEndian")
			}
		})
	}
}

func TestDecodeGolden(t *testing.T) {
	for _, g := range golden {
		t.Run("decode/"+g.name, func(t *testing.T) {
			data := goldenBytes(t, g.hex)
			got, err := Decode(data)
			if err != nil {
				t.Fatalf("Decode(%x) failed: %v; want %+v", data, err, g.b)
			}
			if !same(got, g.b) {
				t.Errorf("Decode(%x):\n got  %+v\n want %+v", data, got, g.b)
			}
		})
	}
}

// TestByteOrder shows what goes wrong when one side reads the other's
// bytes in its own byte order.
func TestByteOrder(t *testing.T) {
	t.Run("decode/reads-big-endian", func(t *testing.T) {
		data := goldenBytes(t, "01020304 0102 0102030405060708 0000 3ff0000000000000")
		want := Booking{ID: 0x01020304, Seats: 0x0102, Departure: 0x0102030405060708, Price: 1}
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("Decode(%x) failed: %v; want %+v", data, err, want)
		}
		if got.ID != want.ID {
			little := binary.LittleEndian.Uint32(data)
			t.Errorf("Decode(%x): got ID %d (%#08x), want %d (%#08x)", data, got.ID, got.ID, want.ID, want.ID)
			if got.ID == little {
				t.Errorf("hint: that is the little-endian reading of 01 02 03 04; the wire is big endian, the first byte is the highest")
			}
		}
		if got.Seats != want.Seats || got.Departure != want.Departure || got.Price != want.Price {
			t.Errorf("Decode(%x): got Seats %#x, Departure %#x, Price %v; want Seats %#x, Departure %#x, Price 1 (all big endian)",
				data, got.Seats, got.Departure, got.Price, want.Seats, want.Departure)
		}
	})
	t.Run("encode/writes-big-endian", func(t *testing.T) {
		b := Booking{ID: 0x01020304, Seats: 0x0506, Departure: 0x0708090a0b0c0d0e}
		got, err := Encode(b)
		if err != nil {
			t.Fatalf("Encode(%+v) failed: %v", b, err)
		}
		want := goldenBytes(t, "01020304 0506 0708090a0b0c0d0e 0000 0000000000000000")
		if !bytes.Equal(got, want) {
			t.Errorf("Encode(ID 0x01020304, Seats 0x0506, Departure 0x0708090a0b0c0d0e):\n got  %x\n want %x\n(big endian: the highest byte first, so the bytes read in the same order as the hex number)", got, want)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	special := []struct {
		name string
		b    Booking
	}{
		{"nan-price", Booking{ID: 1, Seats: 1, Price: math.NaN()}},
		{"negative-price", Booking{ID: 2, Seats: -300, Price: -12.5}},
		{"smallest-float", Booking{ID: 3, Price: math.SmallestNonzeroFloat64}},
		{"emoji-name", Booking{ID: 4, Passenger: "Zoë 🛫 Ærø", Price: 99.99}},
		{"name-of-MaxName-bytes", Booking{ID: 5, Passenger: strings.Repeat("ü", MaxName/2), Price: 1}},
	}
	for _, s := range special {
		t.Run("round-trip/"+s.name, func(t *testing.T) { roundTrip(t, s.b) })
	}
	t.Run("round-trip/random-seeded", func(t *testing.T) {
		// Seeded, so every run of the grader checks the same bookings.
		rng := rand.New(rand.NewPCG(8, 2026))
		letters := []rune("abcxyzÄÖÜßéñ日本🛫 -'")
		for range 500 {
			name := make([]rune, rng.IntN(40))
			for j := range name {
				name[j] = letters[rng.IntN(len(letters))]
			}
			b := Booking{
				ID:        rng.Uint32(),
				Seats:     int16(rng.Uint32()),
				Departure: rng.Uint64(),
				Passenger: string(name),
				Price:     math.Float64frombits(rng.Uint64()),
			}
			if !roundTrip(t, b) {
				return // one failing booking says enough
			}
		}
	})
}

func roundTrip(t *testing.T, b Booking) bool {
	t.Helper()
	data, err := Encode(b)
	if err != nil {
		t.Errorf("Encode(%+v) failed: %v", b, err)
		return false
	}
	if want := FixedSize + len(b.Passenger); len(data) != want {
		t.Errorf("Encode(%+v): got %d bytes, want %d (FixedSize + the name's bytes)", b, len(data), want)
		return false
	}
	got, err := Decode(data)
	if err != nil {
		t.Errorf("Decode(Encode(%+v)) failed: %v\n bytes %x", b, err, data)
		return false
	}
	if !same(got, b) {
		t.Errorf("Decode(Encode(b)) is not b:\n got  %+v\n want %+v\n bytes %x", got, b, data)
		return false
	}
	return true
}

func TestErrors(t *testing.T) {
	full := goldenBytes(t, golden[0].hex)
	t.Run("decode/every-truncation-is-ErrShort", func(t *testing.T) {
		wrong := 0
		for n := range len(full) {
			_, err := Decode(full[:n])
			if !errors.Is(err, ErrShort) {
				if wrong == 0 {
					t.Errorf("Decode(first %d of %d bytes, cut inside %s): got error %v, want ErrShort",
						n, len(full), field(n, 7), err)
				}
				wrong++
			}
		}
		if wrong > 1 {
			t.Errorf("and %d more of the %d cut-off inputs did not give ErrShort", wrong-1, len(full))
		}
	})
	t.Run("decode/trailing-bytes", func(t *testing.T) {
		data := append(append([]byte(nil), full...), 0x00)
		if _, err := Decode(data); !errors.Is(err, ErrTrailing) {
			t.Errorf("Decode(a booking plus one extra byte): got error %v, want ErrTrailing (the input must hold exactly one booking)", err)
		}
	})
	t.Run("decode/name-length-over-MaxName", func(t *testing.T) {
		// Only the head: a length field of 65535 and nothing after it. A
		// decoder that trusts the length would report ErrShort or, worse,
		// try to read 65535 bytes.
		data := goldenBytes(t, "00000001 0001 0000000000000001 ffff")
		if _, err := Decode(data); !errors.Is(err, ErrNameTooLong) {
			t.Errorf("Decode(%x, name length field 65535): got error %v, want ErrNameTooLong (check the length against MaxName as soon as you read it)", data, err)
		}
	})
	t.Run("decode/name-not-utf8", func(t *testing.T) {
		data := goldenBytes(t, "00000001 0001 0000000000000001 0002 fffe 0000000000000000")
		if _, err := Decode(data); !errors.Is(err, ErrNotUTF8) {
			t.Errorf("Decode(%x, name bytes ff fe): got error %v, want ErrNotUTF8 (use utf8.Valid)", data, err)
		}
	})
	t.Run("encode/name-over-MaxName", func(t *testing.T) {
		b := Booking{ID: 1, Passenger: strings.Repeat("x", MaxName+1)}
		if data, err := Encode(b); !errors.Is(err, ErrNameTooLong) {
			t.Errorf("Encode(name of %d bytes): got %d bytes and error %v, want ErrNameTooLong", MaxName+1, len(data), err)
		}
	})
	t.Run("encode/name-not-utf8", func(t *testing.T) {
		b := Booking{ID: 1, Passenger: "M\xfcller"} // Latin-1 ü, not UTF-8
		if data, err := Encode(b); !errors.Is(err, ErrNotUTF8) {
			t.Errorf("Encode(name \"M\\xfcller\" in Latin-1): got %d bytes and error %v, want ErrNotUTF8 (use utf8.ValidString)", len(data), err)
		}
	})
}
