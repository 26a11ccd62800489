package catalog

import (
	_ "embed"
	"fmt"
	"path"
	"strings"
	"sync"
)

// programsTxt is the list of every program of dsdemo, one package a line.
// It is a plain file rather than a Go table so that the Makefile can read
// it too (make build), without running Go first.
//
//go:embed programs.txt
var programsTxt string

// Packages returns every program of dsdemo, as the binary's name in bin/
// to the package that builds it, e.g. "server" to "./clientserver/server".
// The launcher builds a missing binary from it, and Validate accepts only
// a Program.Binary it lists.
func Packages() map[string]string {
	pkgs, err := packages()
	if err != nil {
		// programs.txt is part of the source; a test checks that it parses.
		panic(err)
	}
	out := make(map[string]string, len(pkgs))
	for bin, pkg := range pkgs {
		out[bin] = pkg
	}
	return out
}

// Package returns the package that builds the binary named bin, and
// whether programs.txt lists it.
func Package(bin string) (string, bool) {
	pkg, ok := Packages()[bin]
	return pkg, ok
}

var packages = sync.OnceValues(func() (map[string]string, error) { return parsePrograms(programsTxt) })

// parsePrograms reads a list of programs: one package path a line, starting
// with "./"; blank lines and lines starting with # are skipped. Two packages
// whose binaries would have the same name are an error.
func parsePrograms(text string) (map[string]string, error) {
	pkgs := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, "./") || strings.ContainsAny(line, " \t") || path.Clean(line) != line[2:] {
			return nil, fmt.Errorf("programs.txt:%d: %q: want a package path such as ./clientserver/server", i+1, line)
		}
		bin := path.Base(line)
		if other, ok := pkgs[bin]; ok {
			return nil, fmt.Errorf("programs.txt:%d: %s and %s would both build bin/%s", i+1, other, line, bin)
		}
		pkgs[bin] = line
	}
	return pkgs, nil
}
