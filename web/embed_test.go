package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestFallback(t *testing.T) {
	ui := Fallback()
	for _, name := range []string{"index.html", "style.css", "favicon.svg"} {
		if _, err := fs.Stat(ui, name); err != nil {
			t.Errorf("the fallback lacks %s: %v", name, err)
		}
	}
	page, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "the tab UI is not built: run <code>make web</code>") {
		t.Error("the fallback page does not say how to build the tab UI")
	}
}

func TestFSServesTheBuildWhenThereIsOne(t *testing.T) {
	built, ok := Built()
	page, err := fs.ReadFile(FS(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	notBuilt := strings.Contains(string(page), "make web")
	if ok == notBuilt {
		t.Fatalf("Built() = %v but FS serves the fallback = %v", ok, notBuilt)
	}
	if !ok {
		t.Skip("the tab UI is not built: run make web")
	}
	if _, err := fs.Stat(built, "favicon.svg"); err != nil {
		t.Error(err)
	}
}

// TestPagesAreSelfContained keeps every page within the server's CSP: scripts
// only from files (no inline script or event handler), no inline style
// attributes in the HTML, nothing loaded from another origin.
func TestPagesAreSelfContained(t *testing.T) {
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]`), // a script with inline content
		regexp.MustCompile(`(?i)<script(?:\s(?:[^>](?:[^s>]|s[^r>]|sr[^c>]))*)?>`),
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`),
		regexp.MustCompile(`(?i)url\(\s*['"]?(https?:)?//`),
		regexp.MustCompile(`(?i)@import`),
	}
	check := func(t *testing.T, ui fs.FS) {
		err := fs.WalkDir(ui, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".css") {
				return nil
			}
			b, err := fs.ReadFile(ui, name)
			if err != nil {
				return err
			}
			for _, re := range forbidden {
				if loc := re.FindIndex(b); loc != nil {
					t.Errorf("%s has %q, which the CSP forbids", name, b[loc[0]:loc[1]])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Run("fallback", func(t *testing.T) { check(t, Fallback()) })
	t.Run("built", func(t *testing.T) {
		ui, ok := Built()
		if !ok {
			t.Skip("the tab UI is not built: run make web")
		}
		check(t, ui)
	})
}
