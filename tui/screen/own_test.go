package screen

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
)

// TestHomeOwnExperiments: an instructor's own experiment is listed beside
// the built-in ones with a mark, and a warning about a bad file of theirs
// is on the home page.
func TestHomeOwnExperiments(t *testing.T) {
	models := catalog.All()
	own := models[0].Experiments[0]
	own.ID, own.Title, own.Own = "mine", i18n.Text{DE: "Mein Versuch", EN: "My try"}, true
	models[0].Experiments = append(models[0].Experiments, own)
	m := New(Options{Lang: "en", Catalog: models, Warning: "mine.yaml:3: no node \"sever\" in the model"})
	resize(m, 120, 40)
	view := m.View().Content
	assert.Contains(t, view, "My try ✎ own")
	assert.Contains(t, view, models[0].Experiments[0].Title.EN)
	assert.Contains(t, view, `mine.yaml:3: no node "sever"`)
}
