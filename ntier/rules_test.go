package ntier

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckPassenger(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Ada Lovelace", true},
		{"O'Brien", true},
		{"Jean-Luc Picard", true},
		{"J. R. R. Tolkien", true},
		{"Jürgen Müller", true},
		{"Zoë", true},
		{"", false},
		{"   ", false},
		{"A", false},
		{"R2D2", false},
		{"'; DROP TABLE flights; --", false},
		{"<script>alert(1)</script>", false},
		{"Ada\nLovelace", false},
		{"-Ada", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkPassenger(tc.name)
			assert.Equal(t, tc.ok, err == nil, "checkPassenger(%q) = %v", tc.name, err)
		})
	}
}

func TestRacerName(t *testing.T) {
	for i, want := range map[int]string{0: "Racer A", 25: "Racer Z", 26: "Racer AA", 27: "Racer AB", 199: "Racer GR"} {
		assert.Equal(t, want, racerName(i))
		assert.NoError(t, checkPassenger(racerName(i)))
	}
}
