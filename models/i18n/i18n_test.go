package i18n_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/i18n"
)

func TestTextIn(t *testing.T) {
	both := i18n.Text{DE: "Anfrage", EN: "request"}
	for _, tc := range []struct {
		text i18n.Text
		lang string
		want string
	}{
		{both, "de", "Anfrage"},
		{both, "de_DE.UTF-8", "Anfrage"},
		{both, "DE", "Anfrage"},
		{both, "en", "request"},
		{both, "fr", "request"},
		{both, "", "request"},
		{i18n.Text{EN: "request"}, "de", "request"},
		{i18n.Text{DE: "Anfrage"}, "en", "Anfrage"},
	} {
		t.Run(tc.lang+"/"+tc.want, func(t *testing.T) {
			got := tc.text.In(tc.lang)
			assert.Equal(t, tc.want, got, "In(%q): got %q, want %q", tc.lang, got, tc.want)
		})
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		all, messages, lang string
		want                string
	}{
		{"", "", "", "en"},
		{"", "", "de_DE.UTF-8", "de"},
		{"", "", "en_GB.UTF-8", "en"},
		{"", "de_AT.UTF-8", "en_GB.UTF-8", "de"},
		{"C", "de_DE.UTF-8", "de_DE.UTF-8", "en"}, // LC_ALL wins
	} {
		t.Run(tc.all+"/"+tc.messages+"/"+tc.lang, func(t *testing.T) {
			t.Setenv("LC_ALL", tc.all)
			t.Setenv("LC_MESSAGES", tc.messages)
			t.Setenv("LANG", tc.lang)
			assert.Equal(t, tc.want, i18n.FromEnv())
		})
	}
}

func TestKnown(t *testing.T) {
	assert.True(t, i18n.Known("de"))
	assert.True(t, i18n.Known("en"))
	assert.False(t, i18n.Known("fr"))
	assert.False(t, i18n.Known("de_DE"), "--lang takes the short name only")
}

func ExampleText_In() {
	title := i18n.Text{DE: "Client/Server", EN: "Client/server"}
	fmt.Println(title.In("de_DE.UTF-8"))
	fmt.Println(title.In("en"))
	// Output:
	// Client/Server
	// Client/server
}
