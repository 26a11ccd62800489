package exercises_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGradersProveSomething runs the grader of every exercise (every folder
// with a solution.go) against the reference solution, where it must pass,
// and against the stub, where it must fail by failing cases. It also checks
// that the exercise has the fixed shape: a bilingual README, a stub that
// steps aside for the solution, and a grader behind the grade tag.
func TestGradersProveSomething(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every grader twice as a subprocess; skipped with -short")
	}
	solutions, err := filepath.Glob(filepath.Join("*", "solution.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(solutions) == 0 {
		t.Fatal("no exercise folder with a solution.go found under exercises/")
	}
	// Each grader run is a go build and a test; two at a time keep a
	// two-core machine busy without queueing everything else behind them.
	slots := make(chan struct{}, 2)
	for _, sol := range solutions {
		name := filepath.Dir(sol)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkShape(t, name)
			slots <- struct{}{}
			defer func() { <-slots }()

			out, err := goTest(t, name, "grade,solution")
			if err != nil {
				t.Errorf("the grader of %s fails on the reference solution (go test -tags grade,solution): %v\n%s", name, err, out)
			}

			out, err = goTest(t, name, "grade")
			switch {
			case err == nil:
				t.Errorf("the grader of %s passes on the stub (go test -tags grade); a grader that cannot fail proves nothing\n%s", name, out)
			case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
				t.Errorf("the grader of %s does not compile with the stub (go test -tags grade); it must fail by failing cases\n%s", name, out)
			case strings.Contains(out, "panic:"):
				t.Errorf("the grader of %s crashes on the stub (go test -tags grade); it must fail by failing cases, not a panic\n%s", name, out)
			case !strings.Contains(out, "--- FAIL"):
				t.Errorf("the grader of %s fails on the stub without a failing case (%v)\n%s", name, err, out)
			}
		})
	}
}

// goTest runs the grader of one exercise with the given build tags, as
// `make grade` does, and returns its combined output.
func goTest(t *testing.T, name, tags string) (string, error) {
	t.Helper()
	// go test gives the test binary the GOROOT of the toolchain running it;
	// use that go command rather than whichever one is first on PATH (as
	// programtest.Build does).
	gocmd := "go"
	if goroot := os.Getenv("GOROOT"); goroot != "" {
		gocmd = filepath.Join(goroot, "bin", "go")
	}
	// A grader's cases take seconds. -timeout makes a hanging one panic with
	// its goroutines listed; the context is the backstop, and it kills the
	// whole process group, since go test runs the test binary as a child of
	// its own.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gocmd, "test", "-tags", tags, "-count=1", "-timeout=2m", "./"+name+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("go test -tags %s ./exercises/%s/ did not finish within 3 minutes\n%s", tags, name, out.String())
	}
	return out.String(), err
}

// checkShape checks the files every exercise must have.
func checkShape(t *testing.T, name string) {
	t.Helper()
	read := func(file string) string {
		b, err := os.ReadFile(filepath.Join(name, file))
		if err != nil {
			t.Errorf("exercise %s: %v (every exercise has README.md, %s.go, solution.go and grader_test.go)", name, err, name)
		}
		return string(b)
	}
	readme := read("README.md")
	for _, heading := range []string{"## Deutsch", "## English"} {
		if readme != "" && !strings.Contains("\n"+readme, "\n"+heading) {
			t.Errorf("exercise %s: README.md has no section %q", name, heading)
		}
	}
	for file, tag := range map[string]string{
		name + ".go":     "//go:build !solution",
		"solution.go":    "//go:build solution",
		"grader_test.go": "//go:build grade",
	} {
		if src := read(file); src != "" && !strings.HasPrefix(src, tag+"\n") {
			t.Errorf("exercise %s: %s does not start with %q", name, file, tag)
		}
	}
}
