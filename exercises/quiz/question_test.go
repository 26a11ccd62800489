package quiz

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func goodBank(t *testing.T) *Bank {
	t.Helper()
	b, err := LoadFile("testdata/good.yaml")
	require.NoError(t, err)
	return b
}

func TestCheck(t *testing.T) {
	b := goodBank(t)
	picks := func(p ...int) Answer { return Answer{Picks: p} }
	cases := []struct {
		id     string
		answer Answer
		right  bool
	}{
		{"good-single", picks(1), true},
		{"good-single", picks(0), false},
		{"good-single", picks(1, 1), false},
		{"good-single", picks(), false},
		{"good-single", picks(7), false},

		{"good-multiple", picks(0, 2), true},
		{"good-multiple", picks(2, 0), true},
		{"good-multiple", picks(2, 0, 2), true},
		{"good-multiple", picks(0), false},
		{"good-multiple", picks(0, 1, 2), false},
		{"good-multiple", picks(0, 2, -1), false},
		{"good-multiple", picks(), false},

		{"good-match", picks(0, 1, 2), true},
		{"good-match", picks(1, 0, 2), false},
		{"good-match", picks(0, 1), false},
		{"good-match", picks(0, 1, 2, 2), false},

		{"good-order", picks(0, 1, 2, 3), true},
		{"good-order", picks(0, 2, 1, 3), false},
		{"good-order", picks(3, 2, 1, 0), false},

		{"good-short", Answer{Text: "Marshalling"}, true},
		{"good-short", Answer{Text: "  MARSHALLING  "}, true},
		{"good-short", Answer{Text: "das ist Serialisierung, glaube ich"}, true},
		{"good-short", Answer{Text: "serialization"}, true},
		{"good-short", Answer{Text: "Serialis"}, false},
		{"good-short", Answer{Text: "   "}, false},
		{"good-short", Answer{Text: "compression"}, false},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			got := b.ByID(c.id).Check(c.answer)
			assert.Equal(t, c.right, got, "answer %+v", c.answer)
		})
	}
}

func TestDeal(t *testing.T) {
	b := goodBank(t)
	t.Run("a seed gives the same order every time", func(t *testing.T) {
		q := b.ByID("good-order")
		first := q.Deal(rand.New(rand.NewPCG(1, 2)))
		again := q.Deal(rand.New(rand.NewPCG(1, 2)))
		assert.Equal(t, first.Shown, again.Shown)
	})
	t.Run("match and order are never shown solved", func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for range 200 {
			for _, id := range []string{"good-match", "good-order"} {
				d := b.ByID(id).Deal(r)
				assert.False(t, isIdentity(d.Shown, len(d.Shown)), "%s shown as %v", id, d.Shown)
			}
		}
	})
	t.Run("positions on screen translate back to the file's order", func(t *testing.T) {
		q := b.ByID("good-order")
		d := Deal{Question: q, Shown: []int{2, 0, 3, 1}}
		assert.Equal(t, "The skeleton unmarshals them", d.Item(0).EN)
		// The student puts the shown steps in order: 2nd, 4th, 1st, 3rd.
		a := d.Answer([]int{1, 3, 0, 2})
		assert.Equal(t, []int{0, 1, 2, 3}, a.Picks)
		assert.True(t, q.Check(a))
		assert.False(t, q.Check(d.Answer([]int{0, 1, 2, 3})))
		assert.False(t, q.Check(d.Answer([]int{1, 3, 0, 9})), "a position off screen is wrong, not a panic")
	})
	t.Run("single: the right choice wherever it is shown", func(t *testing.T) {
		q := b.ByID("good-single")
		d := q.Deal(rand.New(rand.NewPCG(5, 6)))
		for k := range d.Shown {
			right := d.Item(k).EN == "Location transparency"
			assert.Equal(t, right, q.Check(d.Answer([]int{k})))
		}
	})
	t.Run("short has nothing to shuffle", func(t *testing.T) {
		assert.Empty(t, b.ByID("good-short").Deal(rand.New(rand.NewPCG(1, 1))).Shown)
	})
}

func TestSolution(t *testing.T) {
	b := goodBank(t)
	assert.Equal(t, []string{"Integrity", "Authenticity of the sender"}, b.ByID("good-multiple").Solution("en"))
	assert.Equal(t, "Ein Browser fragt einen Webserver → Client/Server", b.ByID("good-match").Solution("de")[0])
	assert.Equal(t, "4. The server runs the method", b.ByID("good-order").Solution("en")[3])
	assert.Equal(t, []string{"Marshalling, Serialisierung"}, b.ByID("good-short").Solution("de"))
}

// TestShortWholeWords proves that a short answer is compared word by word:
// an accepted "8" is found in "es sind 8" but not in "18" or "achtzehn".
func TestShortWholeWords(t *testing.T) {
	short := func(de, en []string) *Question {
		return &Question{ID: "short", Kind: Short, Accept: Keywords{DE: de, EN: en}}
	}
	eight := short([]string{"8", "acht"}, []string{"8", "eight"})
	two := short([]string{"2", "zwei", "zweischichtig"}, []string{"2", "two", "two-tier"})
	pubsub := short([]string{"Publish/Subscribe", "Veröffentlichen und Abonnieren"}, []string{"pub/sub"})
	street := short([]string{"Straße", "Lösung"}, []string{"road"})
	cases := []struct {
		name  string
		q     *Question
		typed string
		right bool
	}{
		{"the number itself", eight, "8", true},
		{"the number in a sentence", eight, "es sind 8", true},
		{"the number with punctuation", eight, "8.", true},
		{"the word listed", eight, "Acht", true},
		{"the English word", eight, "eight kinds", true},
		{"a longer number holding it", eight, "18", false},
		{"a longer word holding it", eight, "achtzehn", false},
		{"eighteen", eight, "eighteen", false},
		{"a number glued to a word", eight, "8er", false},
		{"two, not twelve", two, "12", false},
		{"two", two, "2", true},
		{"two words", two, "zwei Schichten", true},
		{"a dashed keyword, typed with a space", two, "two tier", true},
		{"a dashed keyword, typed as listed", two, "Two-Tier!", true},
		{"the slash is a separator", pubsub, "publish subscribe", true},
		{"the words must follow each other", pubsub, "subscribe publish", false},
		{"a keyword of several words", pubsub, "das ist Veröffentlichen und Abonnieren", true},
		{"a keyword of several words, one missing", pubsub, "Veröffentlichen, Abonnieren", false},
		{"ß folds to ss", street, "STRASSE", true},
		{"ss folds the other way too", street, "die Strasse", true},
		{"umlauts as written", street, "Loesung", false},
		{"umlaut upper case", street, "LÖSUNG", true},
		{"nothing typed", eight, "   ", false},
		{"only punctuation", eight, "?!", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.q.Check(Answer{Text: c.typed})
			assert.Equal(t, c.right, got, "answer %q for keywords %v", c.typed, c.q.Accept)
		})
	}
}

func TestTokens(t *testing.T) {
	assert.Equal(t, []string{"es", "sind", "8"}, Tokens("Es sind 8!"))
	assert.Equal(t, []string{"publish", "subscribe"}, Tokens(" Publish/Subscribe "))
	assert.Equal(t, []string{"grosse", "lösung"}, Tokens("Große Lösung"))
	assert.Empty(t, Tokens(" -/- "))
}
