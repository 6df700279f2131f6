// Package deptest checks FlowDeck's import rules from tests: which packages
// may import Echo, database drivers and the fakes, and that the domain and
// configuration packages use the standard library alone. Each package with a
// rule has a deps_test.go that calls it.
package deptest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Module is FlowDeck's module path.
const Module = "github.com/flowdeck/flowdeck"

// Package is what `go list` says of one package of the module.
type Package struct {
	ImportPath string
	// Imports are the direct imports of the non-test build.
	Imports []string
	// Deps are every transitive dependency of the non-test build.
	Deps []string
}

var (
	once sync.Once
	pkgs map[string]Package
	std  map[string]bool
	err  error
)

// load runs `go list` once per test binary: the module's packages, and the
// standard library's, to tell them apart.
func load() {
	out, e := goList("-json", Module+"/...")
	if e != nil {
		err = e
		return
	}
	pkgs = map[string]Package{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p Package
		if e := dec.Decode(&p); e != nil {
			err = e
			return
		}
		pkgs[p.ImportPath] = p
	}
	out, e = goList("std")
	if e != nil {
		err = e
		return
	}
	std = map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		std[p] = true
	}
}

func goList(args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"list", "-e"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &listError{err: err, stderr: stderr.String()}
	}
	return out, nil
}

type listError struct {
	err    error
	stderr string
}

func (e *listError) Error() string { return "go list: " + e.err.Error() + ": " + e.stderr }

// Packages returns every package of the module, by import path.
func Packages(t testing.TB) map[string]Package {
	t.Helper()
	once.Do(load)
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// StandardOnly fails t unless pkg (an import path of the module) depends on the
// standard library alone.
func StandardOnly(t testing.TB, pkg string) {
	t.Helper()
	p, ok := Packages(t)[pkg]
	if !ok {
		t.Fatalf("package %s not found", pkg)
	}
	for _, d := range p.Deps {
		if !std[d] && !strings.HasPrefix(d, "vendor/") && !strings.HasPrefix(d, "internal/") {
			t.Errorf("%s depends on %s; it may use the standard library only", pkg, d)
		}
	}
}

// OnlyImportedBy fails t when a package of the module other than the allowed
// ones imports directly any package whose path starts with one of prefixes.
// Test files are not part of the build `go list` reports, so tests may import anything.
func OnlyImportedBy(t testing.TB, prefixes []string, allowed ...string) {
	t.Helper()
	for path, p := range Packages(t) {
		if isAllowed(path, allowed) {
			continue
		}
		for _, imp := range p.Imports {
			for _, prefix := range prefixes {
				if imp == prefix || strings.HasPrefix(imp, prefix+"/") {
					t.Errorf("%s imports %s; only %s may", path, imp, strings.Join(allowed, ", "))
				}
			}
		}
	}
}

func isAllowed(path string, allowed []string) bool {
	for _, a := range allowed {
		if path == a || strings.HasPrefix(path, a+"/") {
			return true
		}
	}
	return false
}

// Forbid fails t when pkg depends, directly or not, on a package whose path
// starts with one of prefixes.
func Forbid(t testing.TB, pkg string, prefixes ...string) {
	t.Helper()
	p, ok := Packages(t)[pkg]
	if !ok {
		t.Fatalf("package %s not found", pkg)
	}
	for _, d := range p.Deps {
		for _, prefix := range prefixes {
			if d == prefix || strings.HasPrefix(d, prefix+"/") {
				t.Errorf("%s depends on %s; the architecture forbids it", pkg, d)
			}
		}
	}
}

// ImportsOnly fails t when pkg imports directly a package of the module
// other than the allowed ones (or packages below them).
func ImportsOnly(t testing.TB, pkg string, allowed ...string) {
	t.Helper()
	p, ok := Packages(t)[pkg]
	if !ok {
		t.Fatalf("package %s not found", pkg)
	}
	for _, imp := range p.Imports {
		if strings.HasPrefix(imp, Module+"/") && !isAllowed(imp, allowed) {
			t.Errorf("%s imports %s; it may import only %s", pkg, imp, strings.Join(allowed, ", "))
		}
	}
}
