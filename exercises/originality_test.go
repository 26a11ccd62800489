package exercises_test

// The originality check: the product says everything in its own words.
//
// The lecture (../shared/seeds, next to the repository) is the syllabus, not
// a text to reuse. TestOriginality compares every German and English text
// of the question bank, the catalogue and the exercise READMEs with it and
// fails on a run of shingleWords or more consecutive words that a text
// shares with a seed. A term or a short definition may stay close to the
// lecture; a whole sentence may not.
//
// How texts are compared (fold, words):
//
//	"Der Client wartet, daß der Server-Prozeß antwortet"   a seed or a product text
//	   | fold: lower case, ß -> ss, ä/ö/ü -> ae/oe/ue      ("daß" = "dass", "für" = "fuer")
//	   | stem: a word of 5 letters or more loses one ending
//	   |       (-ern -em -en -er -es -e -s -n), so a copy that only changed
//	   |       the inflection is found too ("verteilten" = "verteilte")
//	   | words: split at everything that is not a letter or a digit:
//	   |        punctuation, hyphens, slashes, Markdown, whitespace, newlines
//	   v        ("Client-Server" = "Client/Server" = "client server")
//	der client wartet dass der serv prozess antwortet
//	   | every run of 8 words, hashed (FNV-64a, cut to 48 bits)
//	   v
//	the seeds' shingles: a set; each 8-word window of a product text is looked up
//
// A word the lecture hyphenates at the end of a line ("Prüfsum-" / "men")
// is also indexed joined, so both spellings are found.
//
// The seeds are not part of the repository, so a clean clone (and CI) has
// no ../shared/seeds. The set of their hashed shingles is committed instead
// (testdata/seed-shingles.txt): it says nothing readable about the lecture
// but finds the same runs. With the seeds present the test builds the set
// from them and fails if the committed file is stale (-update-shingles
// rewrites it); without them it uses the committed file.
//
// An allow-list (originality_allow.txt) admits a few quoted definitions,
// each with its reason; it stays short, and an entry that no longer matches
// anything fails the test, so it does not rot.

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"dsdemo/exercises/quiz"
	"dsdemo/models/catalog"
	"dsdemo/models/i18n"
)

// shingleWords is how many consecutive shared words make a copied passage.
const shingleWords = 8

// maxAllowed keeps the allow-list short.
const maxAllowed = 10

var near = flag.Int("near", 0, "also list (not fail) shorter runs of this many words shared with ../shared/seeds, for a reviewer looking for near-copies")

var updateShingles = flag.Bool("update-shingles", false, "rewrite testdata/seed-shingles.txt from ../shared/seeds")

const (
	shinglesFile = "testdata/seed-shingles.txt"
	allowFile    = "originality_allow.txt"
)

// seedsDir is where the lecture is: next to the repository (from this
// package's folder), or where $DSDEMO_SEEDS says.
var seedsDir = cmp.Or(os.Getenv("DSDEMO_SEEDS"), "../../shared/seeds")

// folder lowers nothing itself; fold does that first. It spells the German
// letters out, as a keyboard without them would.
var folder = strings.NewReplacer("ß", "ss", "ä", "ae", "ö", "oe", "ü", "ue")

// fold makes two spellings of the same words equal: case, ß/ss and the
// umlauts. Punctuation and whitespace are dropped later, by words.
func fold(s string) string { return folder.Replace(strings.ToLower(s)) }

// stem cuts one inflection ending off a longer word: crude, but the same
// on both sides, which is all a comparison needs.
func stem(w string) string {
	if len([]rune(w)) < 5 {
		return w
	}
	for _, suf := range []string{"ern", "em", "en", "er", "es", "e", "s", "n"} {
		if strings.HasSuffix(w, suf) {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

// word is one word of a text and the line (from 1) it is on.
type word struct {
	w    string
	line int
}

// words folds s and splits it into words: a word is a run of letters and
// digits; everything else separates words.
func words(s string) []word {
	var (
		out   []word
		cur   strings.Builder
		line  = 1
		start = 1
	)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, word{stem(cur.String()), start})
			cur.Reset()
		}
	}
	for _, r := range fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if cur.Len() == 0 {
				start = line
			}
			cur.WriteRune(r)
			continue
		}
		flush()
		if r == '\n' {
			line++
		}
	}
	flush()
	return out
}

// shingleHash is the hash of the window ws.
func shingleHash(ws []word) uint64 {
	h := fnv.New64a()
	for i, w := range ws {
		if i > 0 {
			h.Write([]byte{' '})
		}
		h.Write([]byte(w.w))
	}
	return h.Sum64() >> 16
}

// shingles is the set of the seeds' hashed windows of n words, each with
// the seed it came from ("" when it was read from the committed file).
type shingles struct {
	n   int
	set map[uint64]string
}

func newShingles(n int) shingles { return shingles{n, make(map[uint64]string)} }

// lineBreakHyphen is a word the lecture splits at the end of a line.
var lineBreakHyphen = regexp.MustCompile(`(\pL)-[ \t]*\r?\n[ \t]*(\p{Ll})`)

// add indexes every window of the seed text, also with words that were
// hyphenated at a line end joined again.
func (s shingles) add(seed, text string) {
	for _, t := range []string{text, lineBreakHyphen.ReplaceAllString(text, "$1$2")} {
		ws := words(t)
		for i := 0; i+s.n <= len(ws); i++ {
			s.set[shingleHash(ws[i:i+s.n])] = seed
		}
	}
}

// run is a passage a product text shares with a seed: shingleWords or more
// consecutive words.
type run struct {
	line  int    // where it starts in the text, from 1
	words string // the shared words, folded
	seed  string // the seed file, "" when the seeds were not at hand
}

// find returns the runs text shares with the seeds. Overlapping windows
// that all hit make one run.
func (s shingles) find(text string) []run {
	ws := words(text)
	var (
		runs []run
		end  = -1 // the window that ends the current run, -1: none
	)
	for i := 0; i+s.n <= len(ws); i++ {
		seed, hit := s.set[shingleHash(ws[i:i+s.n])]
		if !hit {
			continue
		}
		if end >= 0 && i == end+1 {
			r := &runs[len(runs)-1]
			r.words += " " + ws[i+s.n-1].w
		} else {
			runs = append(runs, run{line: ws[i].line, words: joinWords(ws[i : i+s.n]), seed: seed})
		}
		end = i
	}
	return runs
}

func joinWords(ws []word) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.w
	}
	return strings.Join(s, " ")
}

// text is one product text to check: where it is and what it says.
type text struct {
	where string // "file:line" or "model/experiment/field"
	file  string // the file it is written in, for a more precise line; "" for none
	line  int    // the line in file its entry starts at
	s     string
}

// i18nTexts walks v by reflection and calls f for every language of every
// i18n.Text in it, with the path of field names and indices that leads
// there. A field added to a struct later is covered without changing this.
func i18nTexts(v reflect.Value, path string, f func(path, s string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			i18nTexts(v.Elem(), path, f)
		}
	case reflect.Struct:
		if t, ok := v.Interface().(i18n.Text); ok {
			f(path+".de", t.DE)
			f(path+".en", t.EN)
			return
		}
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				i18nTexts(v.Field(i), path+"."+sf.Name, f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			i18nTexts(v.Index(i), path+"["+strconv.Itoa(i)+"]", f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			i18nTexts(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), f)
		}
	}
}

// productTexts is every text of the product in both languages: the bank's
// questions, the catalogue's models with their experiments, and the
// exercise READMEs. The repository root is "..".
func productTexts(t *testing.T) []text {
	t.Helper()
	var out []text
	bank, err := quiz.Embedded()
	if err != nil {
		t.Fatalf("load the question bank: %v", err)
	}
	for _, q := range bank.Questions {
		i18nTexts(reflect.ValueOf(q), q.ID, func(path, s string) {
			out = append(out, text{where: fmt.Sprintf("%s:%d %s", q.File, q.Line, path), file: filepath.Join("..", q.File), line: q.Line, s: s})
		})
	}
	for _, m := range catalog.All() {
		i18nTexts(reflect.ValueOf(m), m.ID, func(path, s string) {
			out = append(out, text{where: "catalogue " + path, s: s})
		})
	}
	readmes, err := filepath.Glob("*/README*.md")
	if err != nil {
		t.Fatal(err)
	}
	top, _ := filepath.Glob("README*.md")
	for _, name := range append(top, readmes...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, text{where: "exercises/" + name, s: string(data)})
	}
	return out
}

// locate is where r is: for a README the line in the file; for a question
// the line in its YAML file where the shared words start, found by reading
// the file's words from the question's first line on.
func locate(tx text, r run) string {
	if tx.file == "" {
		if strings.HasPrefix(tx.where, "exercises/") {
			return fmt.Sprintf("%s:%d", tx.where, r.line)
		}
		return tx.where
	}
	data, err := os.ReadFile(tx.file)
	if err != nil {
		return tx.where
	}
	ws := words(string(data))
	want := strings.Fields(r.words)
	for i := 0; i+len(want) <= len(ws); i++ {
		if ws[i].line < tx.line {
			continue
		}
		if slices.Equal(want, strings.Fields(joinWords(ws[i:i+len(want)]))) {
			_, path, _ := strings.Cut(tx.where, " ")
			return fmt.Sprintf("%s:%d %s", strings.TrimPrefix(tx.file, "../"), ws[i].line, path)
		}
	}
	return tx.where
}

// allowed is one entry of the allow-list: a quoted definition, folded,
// and why it may be quoted.
type allowed struct {
	phrase string
	reason string
	line   int
	used   bool
}

// readAllowList reads originality_allow.txt: one entry a line,
// "the quoted words | why they may stay", '#' starts a comment line.
func readAllowList(t *testing.T) []*allowed {
	t.Helper()
	f, err := os.Open(allowFile)
	if err != nil {
		t.Fatalf("the allow-list: %v", err)
	}
	defer f.Close()
	var out []*allowed
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		phrase, reason, _ := strings.Cut(l, "|")
		if strings.TrimSpace(reason) == "" {
			t.Errorf("%s:%d: an entry needs a reason after '|'", allowFile, n)
		}
		out = append(out, &allowed{phrase: joinWords(words(phrase)), reason: strings.TrimSpace(reason), line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) > maxAllowed {
		t.Errorf("%s has %d entries; keep it under %d: rewrite instead of allowing", allowFile, len(out), maxAllowed)
	}
	return out
}

// allows reports whether an entry of the allow-list covers the run.
func allows(list []*allowed, r run) bool {
	for _, a := range list {
		if strings.Contains(" "+a.phrase+" ", " "+r.words+" ") {
			a.used = true
			return true
		}
	}
	return false
}

// seedShingles builds the set from ../shared/seeds when it is there and
// checks the committed file against it; otherwise it reads the committed
// file.
func seedShingles(t *testing.T) shingles {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(seedsDir, "*.txt"))
	if len(names) == 0 {
		if *updateShingles {
			t.Fatalf("-update-shingles needs the seeds in %s", seedsDir)
		}
		s, err := readShingles(shinglesFile)
		if err != nil {
			t.Skipf("no seeds in %s and no %s (%v): nothing to compare with", seedsDir, shinglesFile, err)
		}
		t.Logf("no seeds in %s: comparing with the %d hashed shingles in %s", seedsDir, len(s.set), shinglesFile)
		return s
	}
	s := newShingles(shingleWords)
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s.add(filepath.Base(name), string(data))
	}
	if *updateShingles {
		if err := writeShingles(shinglesFile, s); err != nil {
			t.Fatal(err)
		}
	} else if committed, err := readShingles(shinglesFile); err != nil || !sameKeys(committed, s) {
		t.Errorf("%s does not match the seeds in %s (%v); rewrite it: go test ./exercises -run TestOriginality -update-shingles", shinglesFile, seedsDir, err)
	}
	return s
}

func sameKeys(a, b shingles) bool {
	if len(a.set) != len(b.set) {
		return false
	}
	for k := range a.set {
		if _, ok := b.set[k]; !ok {
			return false
		}
	}
	return true
}

const shinglesHeader = `# The lecture's 8-word shingles, hashed: FNV-64a of the folded words joined
# by one space, the top 48 bits in hex, sorted. They find a copied passage
# without the lecture in the repository (see originality_test.go).
# Generated; rewrite: go test ./exercises -run TestOriginality -update-shingles
`

func writeShingles(name string, s shingles) error {
	keys := make([]uint64, 0, len(s.set))
	for k := range s.set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(shinglesHeader)
	for i, k := range keys {
		fmt.Fprintf(&b, "%012x", k)
		if i%8 == 7 || i == len(keys)-1 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

func readShingles(name string) (shingles, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return shingles{}, err
	}
	s := newShingles(shingleWords)
	for l := range strings.Lines(string(data)) {
		if strings.HasPrefix(l, "#") {
			continue
		}
		for _, f := range strings.Fields(l) {
			k, err := strconv.ParseUint(f, 16, 64)
			if err != nil {
				return shingles{}, fmt.Errorf("%s: %q is not a hash", name, f)
			}
			s.set[k] = ""
		}
	}
	return s, nil
}

// TestOriginality fails on every passage of the product that shares
// shingleWords or more consecutive words with the lecture.
func TestOriginality(t *testing.T) {
	seeds := seedShingles(t)
	allow := readAllowList(t)
	texts := productTexts(t)
	hits := 0
	for _, tx := range texts {
		for _, r := range seeds.find(tx.s) {
			if allows(allow, r) {
				continue
			}
			hits++
			from := r.seed
			if from == "" {
				from = "the lecture (hashed shingles)"
			}
			t.Errorf("%s shares %d words with %s: %q", locate(tx, r), len(strings.Fields(r.words)), from, r.words)
		}
	}
	if hits > 0 {
		t.Logf("%d passages copy the lecture; say them in our own words (a quoted definition may go on %s, with a reason)", hits, allowFile)
	}
	for _, a := range allow {
		if !a.used {
			t.Errorf("%s:%d: allows %q, which no text quotes any more; remove it", allowFile, a.line, a.phrase)
		}
	}
	if *near > 0 {
		listNear(t, texts, *near)
	}
	if len(texts) < 100 {
		t.Errorf("only %d texts found to check; is the walk over the bank and the catalogue broken?", len(texts))
	}
}

// listNear logs the runs of n words the texts share with the seeds: the
// near-copies a reviewer reads, most of them terms that may stay.
func listNear(t *testing.T, texts []text, n int) {
	names, _ := filepath.Glob(filepath.Join(seedsDir, "*.txt"))
	if len(names) == 0 {
		t.Fatalf("-near needs the seeds in %s", seedsDir)
	}
	s := newShingles(n)
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		s.add(filepath.Base(name), string(data))
	}
	for _, tx := range texts {
		for _, r := range s.find(tx.s) {
			t.Logf("near: %s: %q (%s)", locate(tx, r), r.words, r.seed)
		}
	}
}

// TestShingleMatcher pins the matcher down: folding makes spellings equal,
// seven shared words pass, eight fail.
func TestShingleMatcher(t *testing.T) {
	s := newShingles(shingleWords)
	s.add("seed.txt", "Jeder Knoten im Ring kennt nur seinen Nach-\nfolger; daß er die Prüfsum-\nme prüft, weiß jeder Peer-to-Peer-Entwickler genau.")
	cases := []struct {
		text string
		runs int
	}{
		{"JEDER KNOTEN IM RING KENNT NUR SEINEN NACH", 1},                   // 8 words, other case
		{"jeder  knoten\nim ring – kennt nur, seinen nach", 1},              // whitespace, newline, dash
		{"Jeder Knoten im Ringe kennt nur seine Nach", 1},                   // only the inflection changed
		{"jeder knoten im ring kennt nur seinen", 0},                        // 7 words pass
		{"Wir sagen: jeder knoten im ring kennt nur; anders", 0},            // 6 shared words
		{"dass er die pruefsumme prueft weiss jeder peer", 1},               // ß, umlauts, line-break hyphen
		{"daß er die Prüfsumme prüft, weiß jeder Peer/to/Peer", 1},          // slash and hyphen alike
		{"seinen nach folger dass er die pruefsum me prueft", 1},            // split as printed, too
		{"jeder knoten im ring kennt nur seinen nachfolger dass er die", 1}, // a longer run is one hit
	}
	for _, c := range cases {
		if got := s.find(c.text); len(got) != c.runs {
			t.Errorf("find(%q) = %v, want %d runs", c.text, got, c.runs)
		}
	}
	long := s.find("jeder knoten im ring kennt nur seinen nachfolger dass er die")
	if len(long) == 1 && len(strings.Fields(long[0].words)) != 11 {
		t.Errorf("an 11-word run is reported as %q", long[0].words)
	}
}
