package catalogtest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/catalog"
)

// TestDifferencesNameEachType: a stale protocol file is reported type by
// type, not as two long maps to compare by eye.
func TestDifferencesNameEachType(t *testing.T) {
	demo := catalog.Vocabulary{Messages: map[string][]string{"ping": {}, "get_ok": {"found", "key"}}}
	file := catalog.Vocabulary{HTTP: true, Messages: map[string][]string{"pong": {}, "get_ok": {"key"}}}
	assert.Equal(t, "\thttp: the demo says false, the file true\n"+
		"\tget_ok: the demo says [found key], the file [key]\n"+
		"\tping: missing in the file\n"+
		"\tpong: in the file, not in the demo's Messages", differences(demo, file))
	assert.Empty(t, differences(demo, demo))
}
