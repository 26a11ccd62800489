package app_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"dsdemo/exercises/quiz"
)

const testdata = "../../exercises/quiz/testdata/"

func TestQuizCheck(t *testing.T) {
	t.Run("a good file", func(t *testing.T) {
		code, out, errOut := main("quiz", "--check", testdata+"good.yaml")
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, testdata+"good.yaml: 5 questions, no mistakes\n", out)
	})
	t.Run("every mistake, one a line, file:line first", func(t *testing.T) {
		code, out, errOut := main("quiz", "--check", testdata+"bad.yaml")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		require.Len(t, lines, 17)
		assert.Equal(t, testdata+`bad.yaml:6: unknown kind "singel" (want single, multiple, match, order or short)`, lines[0])
		assert.Equal(t, testdata+`bad.yaml:122: explain has no "en" text`, lines[16])
		for _, l := range lines {
			assert.True(t, strings.HasPrefix(l, testdata+"bad.yaml:"), l)
		}
	})
	t.Run("a YAML syntax error", func(t *testing.T) {
		code, _, errOut := main("quiz", "--check", testdata+"syntax.yaml")
		assert.Equal(t, 1, code)
		assert.True(t, strings.HasPrefix(errOut, testdata+"syntax.yaml:6: YAML syntax: "), errOut)
	})
	t.Run("a missing file", func(t *testing.T) {
		code, _, errOut := main("quiz", "--check", filepath.Join(t.TempDir(), "nope.yaml"))
		assert.Equal(t, 1, code)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		assert.True(t, strings.HasPrefix(errOut, "dsdemo: read question file: "), errOut)
	})
}

func TestQuizStats(t *testing.T) {
	bank, err := quiz.Embedded()
	if err != nil {
		code, _, errOut := main("quiz", "--stats")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "the built-in question bank has mistakes")
		t.Skipf("the embedded bank does not validate (TestBank says where): %v", err)
	}
	code, out, errOut := main("quiz", "--stats", "--lang", "de")
	require.Equal(t, 0, code, errOut)
	s := bank.Stats()
	lines := strings.Split(out, "\n")
	assert.Equal(t, "questions:          "+strconv.Itoa(s.Total), lines[0])
	assert.Equal(t, "in both languages:  "+strconv.Itoa(s.BothLanguages), lines[1])
	for i, tc := range s.ByTopic {
		row := lines[3+i]
		assert.Equal(t, tc.Topic.Tag, strings.Fields(row)[0])
		assert.Equal(t, strconv.Itoa(tc.Questions), strings.Fields(row)[1])
		assert.Contains(t, row, tc.Topic.Name.DE)
		assert.Equal(t, tc.Questions < 5, strings.Contains(row, "(fewer than 5)"), row)
	}
	assert.True(t, strings.HasPrefix(lines[3+len(s.ByTopic)], "beyond the syllabus: "+strconv.Itoa(s.Deepening)+" "), lines[3+len(s.ByTopic)])
}

func TestQuizExport(t *testing.T) {
	bank, err := quiz.Embedded()
	if err != nil {
		t.Skipf("the embedded bank does not validate (TestBank says where): %v", err)
	}
	t.Run("Moodle XML, both languages", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "bank.xml")
		code, out, errOut := main("quiz", "--export", "moodle", file)
		require.Equal(t, 0, code, errOut)
		assert.Empty(t, out)
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var doc struct {
			Questions []struct {
				Type string `xml:"type,attr"`
			} `xml:"question"`
		}
		require.NoError(t, xml.Unmarshal(data, &doc))
		n := 0
		for _, q := range doc.Questions {
			if q.Type != "category" {
				n++
			}
		}
		assert.Equal(t, 2*len(bank.Questions), n, "every question in German and in English")
		_, err = os.Stat(file + ".tmp")
		assert.True(t, os.IsNotExist(err), "no temporary file left behind")
	})
	t.Run("GIFT, one topic in one language, flags after the file, to stdout", func(t *testing.T) {
		code, out, errOut := main("quiz", "--export", "gift", "-", "--topic", "jini", "--lang", "en")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "$CATEGORY: $course$/top/dsdemo/en/jini\n")
		assert.NotContains(t, out, "/de/")
		assert.Equal(t, len(bank.Select("jini", "en")), strings.Count(out, "\n::"), "one question per jini question")
	})
}

func TestQuizCommandLine(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{"help", []string{"quiz", "--help"}, 0, "", "dsdemo quiz --check FILE"},
		{"help names the progress file", []string{"quiz", "--help"}, 0, "", "dsdemo/quiz.json"},
		{"unknown topic", []string{"quiz", "--topic", "transparancy"}, 2, `--topic "transparancy" is not a topic`, ""},
		{"bad language", []string{"quiz", "--lang", "fr"}, 2, "--lang must be de or en", ""},
		{"negative exam", []string{"quiz", "--exam", "-3"}, 2, "--exam must be a number of questions", ""},
		{"bad flag", []string{"quiz", "--colour"}, 2, "-colour", ""},
		{"an argument", []string{"quiz", "file.yaml"}, 2, "quiz takes no arguments", ""},
		{"export without a file", []string{"quiz", "--export", "gift"}, 2, "--export needs one FILE", ""},
		{"export to two files", []string{"quiz", "--export", "gift", "a.txt", "b.txt"}, 2, "--export needs one FILE", ""},
		{"export in an unknown format", []string{"quiz", "--export", "qti", "out.xml"}, 2, `--export must be moodle or gift, not "qti"`, ""},
		{"export to a missing folder", []string{"quiz", "--export", "gift", "/nonexistent/dir/bank.txt"}, 1, "dsdemo: export: ", ""},
		{"help names export", []string{"quiz", "--help"}, 0, "", "dsdemo quiz --export moodle|gift FILE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := main(c.args...)
			assert.Equal(t, c.code, code)
			assert.Contains(t, errOut, c.stderr)
			assert.Contains(t, out, c.stdout)
			if c.code != 0 {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
		})
	}
}
