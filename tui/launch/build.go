package launch

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"dsdemo/models/catalog"
)

// modulePath is the module the launcher builds programs from.
const modulePath = "dsdemo"

// buildMissing builds every binary of names that is not in binDir yet, with
// one "go build -o BINDIR/ ./PKG ..." run in moduleDir.
func buildMissing(ctx context.Context, binDir, moduleDir string, names []string) error {
	var pkgs []string
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(binDir, name)); err == nil {
			continue
		}
		pkg, ok := catalog.Package(name)
		if !ok {
			return fmt.Errorf("program %q is not in %s, and the launcher does not know which package builds it", name, binDir)
		}
		pkgs = append(pkgs, pkg)
	}
	if len(pkgs) == 0 {
		return nil
	}
	if moduleDir == "" {
		return fmt.Errorf("cannot build %s: no %s module found above the current directory; run from the repository or build with make",
			strings.Join(pkgs, " "), modulePath)
	}
	out, err := filepath.Abs(binDir)
	if err != nil {
		return fmt.Errorf("cannot build into %s: %w", binDir, err)
	}
	args := append([]string{"build", "-o", out + string(filepath.Separator)}, pkgs...)
	cmd := exec.CommandContext(ctx, goCommand(), args...)
	cmd.Dir = moduleDir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(pkgs, " "), err, msg)
	}
	return nil
}

// goCommand is the go command of the toolchain in GOROOT when that is set
// (go test sets it for the test binary), else the first one on PATH.
func goCommand() string {
	if goroot := os.Getenv("GOROOT"); goroot != "" {
		return filepath.Join(goroot, "bin", "go")
	}
	return "go"
}

// findModuleDir walks up from the current directory to the directory whose
// go.mod declares the dsdemo module, and returns "" when there is none.
func findModuleDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if isDsdemoModule(filepath.Join(dir, "go.mod")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// isDsdemoModule reports whether the go.mod file at path declares the
// dsdemo module.
func isDsdemoModule(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(name), `"`) == modulePath
		}
	}
	return false
}
