package fakecloud_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/fidelity.md is the list of behaviours in which a fake mirrors Microsoft.
// It stays honest: every row names a public source (or says "unverified"), a
// place in a fake that exists (or "—" for a value no fake plays), and tests
// that exist.
func TestFidelityDocNamesRealPlacesAndTests(t *testing.T) {
	root := repoRoot(t)
	rows := fidelityRows(t, filepath.Join(root, "docs", "fidelity.md"))
	if len(rows) < 40 {
		t.Fatalf("docs/fidelity.md has %d rows; want the identity, Power Platform, Bot Framework and Teams behaviours (40 or more)", len(rows))
	}
	tests := testFuncs(t, root)
	goFile := regexp.MustCompile(`[A-Za-z0-9_./-]+\.go`)
	testName := regexp.MustCompile(`\b(?:Test|Fuzz|Benchmark)[A-Z0-9][A-Za-z0-9_]*`)
	for _, r := range rows {
		if strings.TrimSpace(r.cells[2]) == "" {
			t.Errorf("line %d (%s): no public source (write \"unverified\" where evidence is missing)", r.line, r.cells[0])
		}
		found := false
		for _, f := range goFile.FindAllString(r.cells[3], -1) {
			if fakeFileExists(root, f) {
				found = true
			} else {
				t.Errorf("line %d (%s): %s does not exist", r.line, r.cells[0], f)
			}
		}
		// "—" marks a value FlowDeck uses that no fake plays (a browser's
		// CSP, a deep link): the row keeps its source and its tests.
		if !found && !strings.HasPrefix(r.cells[3], "—") {
			t.Errorf("line %d (%s): names no Go file of a fake (or \"—\" where no fake plays it)", r.line, r.cells[0])
		}
		names := testName.FindAllString(r.cells[4], -1)
		if len(names) == 0 {
			t.Errorf("line %d (%s): names no test", r.line, r.cells[0])
		}
		for _, n := range names {
			if !tests[n] {
				t.Errorf("line %d (%s): test %s does not exist", r.line, r.cells[0], n)
			}
		}
	}
}

type fidelityRow struct {
	line  int
	cells []string
}

// fidelityRows reads the five-column table rows of the doc (header and rule rows left out).
func fidelityRows(t *testing.T, path string) []fidelityRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []fidelityRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| behaviour |") {
			continue
		}
		cells := splitRow(line)
		if len(cells) != 5 {
			t.Errorf("line %d: %d cells, want 5 (behaviour, what Microsoft does, source, where the fake does it, test)", n, len(cells))
			continue
		}
		rows = append(rows, fidelityRow{n, cells})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// splitRow splits a markdown table row on the pipes outside code spans and
// not escaped.
func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	inCode := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '`':
			inCode = !inCode
			cur.WriteByte(c)
		case c == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// fakeFileExists finds f relative to the repository, internal/, internal/fakecloud
// or one of the fakes' folders.
func fakeFileExists(root, f string) bool {
	f = strings.TrimPrefix(f, "./")
	dirs := []string{root, filepath.Join(root, "internal"), filepath.Join(root, "internal", "fakecloud")}
	if subs, err := os.ReadDir(filepath.Join(root, "internal", "fakecloud")); err == nil {
		for _, s := range subs {
			if s.IsDir() {
				dirs = append(dirs, filepath.Join(root, "internal", "fakecloud", s.Name()))
			}
		}
	}
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, f)); err == nil && !st.IsDir() {
			return true
		}
	}
	return false
}

// testFuncs returns the names of every test, fuzz target and benchmark in the repository.
func testFuncs(t *testing.T, root string) map[string]bool {
	t.Helper()
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Benchmark)[A-Za-z0-9_]*)\(`)
	out := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllSubmatch(b, -1) {
			out[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}
