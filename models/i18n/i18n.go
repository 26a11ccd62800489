// Package i18n is the product's two languages, German and English, in one
// place: the bilingual Text every catalogue entry, quiz question and screen
// label is written in, and the helpers that pick the user's language.
//
// It is a package of its own, and imports nothing of the project, so that a
// package needing only these words (the quiz bank, the quiz screen, a key
// map) imports them from here instead of from the catalogue or a screen it
// has no other business with. The name is the usual one for
// internationalisation, which is what a newcomer will look for.
//
//	title := i18n.Text{DE: "Client/Server", EN: "Client/server"}
//	fmt.Println(title.In(i18n.FromEnv()))
package i18n

import (
	"os"
	"strings"
)

// The languages the product speaks, as --lang takes them.
const (
	DE = "de"
	EN = "en"
)

// Known reports whether lang is one of the product's languages (DE or EN),
// as --lang accepts them.
func Known(lang string) bool { return lang == DE || lang == EN }

// FromEnv is the user's language from the locale ($LC_ALL, $LC_MESSAGES,
// $LANG, the first that is set): DE when it is German, else EN.
func FromEnv() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if isGerman(s) {
				return DE
			}
			return EN
		}
	}
	return EN
}

// Text is a sentence or a name in German and English.
type Text struct{ DE, EN string }

// In returns the text in the language lang: German for "de" or anything that
// starts with it ("de_DE.UTF-8", as in $LANG), English otherwise. When that
// language is missing it falls back to the other one.
func (t Text) In(lang string) string {
	if isGerman(lang) {
		if t.DE != "" {
			return t.DE
		}
		return t.EN
	}
	if t.EN != "" {
		return t.EN
	}
	return t.DE
}

// isGerman reports whether a language or locale name is German.
func isGerman(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), DE) }
