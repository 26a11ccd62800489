package launch_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/models/catalog"
	"dsdemo/models/program/programtest"
	"dsdemo/models/trace"
	"dsdemo/tui/launch"
)

// testExperiments plays every experiment of every model against the real
// programs, step by step, as a class would. They run one after the other:
// in parallel they would open many ports at once, and a port reserved for a
// cooperating server (catalog.ReserveAddr) could be taken before the server
// listens on it.
func testExperiments(t *testing.T, bin string) {
	for _, m := range catalog.All() {
		for _, exp := range m.Experiments {
			t.Run(m.ID+"/"+exp.ID, func(t *testing.T) {
				l, log := start(t, bin, m.ID)
				defer func() {
					if t.Failed() {
						for _, e := range log.Matching(func(e trace.Event) bool { return e.Kind == trace.KindLog || e.Kind == trace.KindState }) {
							t.Log(programtest.String(e))
						}
					}
				}()
				p := launch.NewPlayer(l, exp)
				for !p.Done() {
					i := p.Index()
					step, err := p.Next(t.Context())
					require.NoError(t, err, "step %d (%s %s)", i+1, step.Kind, step.Node)
					if step.Kind == catalog.StepPredict {
						o, err := p.Predict(t.Context(), step.Answer)
						require.NoError(t, err, "step %d: the prediction", i+1)
						assert.True(t, o.Right(), "step %d: the catalogue's answer %s is where the message goes, not %s", i+1, step.Answer, o.Actual)
					}
					assert.Equal(t, exp.Steps[i], step, "Next returns the step it carried out")
					assert.Equal(t, i+1, p.Index())
				}
				_, err := p.Next(t.Context())
				assert.Error(t, err, "no step after the last")
			})
		}
	}
}
