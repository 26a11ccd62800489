package quiz

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBank checks the questions that ship: they validate, each is written
// in both languages with an explanation, and the syllabus is covered.
func TestBank(t *testing.T) {
	b, err := Embedded()
	require.NoError(t, err, "the bank must validate (dsdemo quiz --check FILE shows one file's errors)")
	for _, q := range b.Questions {
		assert.True(t, q.Has("de") && q.Has("en"), "%s:%d: %s is not in both languages", q.File, q.Line, q.ID)
		assert.True(t, q.Explain.DE != "" && q.Explain.EN != "", "%s:%d: %s has no explanation in both languages", q.File, q.Line, q.ID)
	}
	s := b.Stats()
	assert.GreaterOrEqual(t, s.Total, 150, "questions in the bank")
	for _, tc := range s.ByTopic {
		assert.GreaterOrEqual(t, tc.Questions, 5, "questions for topic %q (counting topic and tags)", tc.Topic.Tag)
	}
}
