package record

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
)

// Policy is how much room recordings may take. A class records a run each
// time it starts a demo, and a busy ring fills a megabyte in half a minute,
// so without a limit the state directory grows for ever (128 MB after a
// term, in one report).
type Policy struct {
	// Runs is how many recordings the directory keeps, the new one included.
	Runs int
	// Bytes is how much all of them may take together, the new one at its
	// limit included.
	Bytes int64
	// RunBytes is the limit of one recording: past it, the Writer stops
	// writing messages and notes a cut (see Writer).
	RunBytes int64
}

// DefaultPolicy keeps the last 20 runs in at most 128 MiB, each cut at
// 32 MiB: about ten minutes of a seven-peer ring's upkeep, hours of a
// client and a server at the pace of a class.
var DefaultPolicy = Policy{Runs: 20, Bytes: 128 << 20, RunBytes: 32 << 20}

// recordingName matches the names Create gives: the model, the time the run
// started, and -2, -3 ... for a second run in the same second. Files of
// other names in the directory (the diagrams e exports, the quiz's
// statistics) are never rotated.
var recordingName = regexp.MustCompile(`^.+-(\d{8}-\d{6})(?:-(\d+))?\.jsonl$`)

// stored is a recording in the directory.
type stored struct {
	path    string
	started string // the time in its name, which sorts as the time does
	n       int    // the number after the time; 1 without one
	size    int64
}

// Rotate makes room in dir for one more recording: it removes recordings,
// the oldest first by the time in their names, until no more than
// Runs-1 are left and they take no more than Bytes-RunBytes. A recording a
// launcher is still writing is never removed (see removeUnused), nor is a file
// whose name Create would not give. It returns the files it removed.
func (p Policy) Rotate(dir string) ([]string, error) {
	all, err := listRecordings(dir)
	if err != nil {
		return nil, err
	}
	count, total := len(all), int64(0)
	for _, r := range all {
		total += r.size
	}
	var removed []string
	var errs []error
	for _, r := range all {
		if count < p.Runs && total <= p.Bytes-p.RunBytes {
			break
		}
		if err := removeUnused(r.path); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, r.path)
		count--
		total -= r.size
	}
	return removed, errors.Join(errs...)
}

// listRecordings returns the recordings in dir, the oldest first.
func listRecordings(dir string) ([]stored, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var all []stored
	for _, e := range entries {
		m := recordingName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		n, _ := strconv.Atoi(m[2])
		all = append(all, stored{path: filepath.Join(dir, e.Name()), started: m[1], n: max(n, 1), size: info.Size()})
	}
	slices.SortFunc(all, func(a, b stored) int {
		return cmp.Or(cmp.Compare(a.started, b.started), cmp.Compare(a.n, b.n))
	})
	return all, nil
}

// errInUse is returned by removeUnused for a recording a launcher writes.
var errInUse = errors.New("a launcher is writing it")

// removeUnused removes the recording at path unless a Writer has it open.
// A Writer holds an exclusive flock(2) on its file until Close, so taking
// the lock without waiting tells whether one does; the kernel drops the
// lock when the process ends, even by SIGKILL, so a crashed launcher's
// recording does not stay locked.
func removeUnused(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := lock(f); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return &os.PathError{Op: "remove", Path: path, Err: errInUse}
		}
		return err
	}
	return os.Remove(path)
}

// lock takes the exclusive lock on f without waiting.
func lock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
