package quiz

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgress(t *testing.T) {
	b := goodBank(t)
	day1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	day2 := day1.Add(24 * time.Hour)

	t.Run("round trip", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state", "dsdemo", ProgressFile)
		p, err := LoadProgress(path)
		require.NoError(t, err, "no file yet is an empty progress")
		p.Record(b.ByID("good-single"), false, day1)
		p.Record(b.ByID("good-single"), true, day2)
		p.Record(b.ByID("good-match"), true, day2)
		assert.True(t, p.Unsaved())
		require.NoError(t, p.Save(path))
		assert.False(t, p.Unsaved())

		again, err := LoadProgress(path)
		require.NoError(t, err)
		assert.Equal(t, QuestionRecord{Asked: 2, Right: 1, LastSeen: day2.UTC()}, again.Question("good-single"))
		assert.Equal(t, QuestionRecord{}, again.Question("good-short"))

		byTag := make(map[string]TopicProgress)
		for _, tp := range again.Topics() {
			byTag[tp.Topic.Tag] = tp
		}
		arch := byTag["architecture"] // good-single counts by its tag, good-match by its topic
		assert.Equal(t, 3, arch.Asked)
		assert.Equal(t, 2, arch.Right)
		assert.Equal(t, []Day{
			{Date: day1.Format(time.DateOnly), Asked: 1, Right: 0},
			{Date: day2.Format(time.DateOnly), Asked: 2, Right: 2},
		}, arch.Days)
		assert.InDelta(t, 0.5, byTag["transparency"].Share(), 1e-9)

		entries, err := os.ReadDir(filepath.Dir(path))
		require.NoError(t, err)
		require.Len(t, entries, 1, "no temporary file is left behind")
	})
	t.Run("weakest topics first, unpractised last", func(t *testing.T) {
		p := NewProgress()
		p.Record(b.ByID("good-short"), true, day1)     // data-formats 1/1
		p.Record(b.ByID("good-multiple"), false, day1) // security 0/1
		p.Record(b.ByID("good-match"), true, day1)     // architecture 1/2
		p.Record(b.ByID("good-match"), false, day1)
		var tags []string
		for _, tp := range p.Topics()[:4] {
			tags = append(tags, tp.Topic.Tag)
		}
		assert.Equal(t, []string{"security", "architecture", "data-formats", "definition"}, tags)
		assert.Len(t, p.Topics(), len(Topics()))
	})
	t.Run("a month of days at most", func(t *testing.T) {
		p := NewProgress()
		for i := range 40 {
			p.Record(b.ByID("good-short"), true, day1.AddDate(0, 0, i))
		}
		tp := p.Topics()[0]
		assert.Equal(t, "data-formats", tp.Topic.Tag)
		assert.Equal(t, 40, tp.Asked)
		require.Len(t, tp.Days, 30)
		assert.Equal(t, day1.AddDate(0, 0, 39).Format(time.DateOnly), tp.Days[29].Date)
	})
	t.Run("a corrupt file is reported and left as it is", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ProgressFile)
		broken := []byte(`{"version":1,"questions":{"good-single":{"asked":3,`)
		require.NoError(t, os.WriteFile(path, broken, 0o600))
		p, err := LoadProgress(path)
		assert.Nil(t, p)
		var pe *ProgressError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, path, pe.Path)
		assert.Contains(t, err.Error(), "cannot be read")
		assert.Contains(t, err.Error(), "left untouched")
		assert.NotContains(t, err.Error(), "\n", "one sentence")
		data, _ := os.ReadFile(path)
		assert.Equal(t, broken, data)
	})
	t.Run("a file from a newer version is not touched", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ProgressFile)
		require.NoError(t, os.WriteFile(path, []byte(`{"version":2}`), 0o600))
		_, err := LoadProgress(path)
		assert.ErrorContains(t, err, "format version 2")
	})
	t.Run("a save that cannot write keeps the old file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, ProgressFile)
		require.NoError(t, NewProgress().Save(path))
		old, _ := os.ReadFile(path)
		require.NoError(t, os.Chmod(dir, 0o500))
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		p := NewProgress()
		p.Record(b.ByID("good-short"), true, day1)
		if err := p.Save(path); err == nil {
			t.Skip("the directory is writable anyway (running as root)")
		}
		now, _ := os.ReadFile(path)
		assert.Equal(t, old, now)
	})
}
