package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestFS(t *testing.T) {
	ui := FS()
	for _, name := range []string{"index.html", "style.css", "favicon.svg"} {
		if _, err := fs.Stat(ui, name); err != nil {
			t.Errorf("FS lacks %s: %v", name, err)
		}
	}
}

// TestPageIsSelfContained keeps the page within the server's CSP: no scripts,
// no inline styles or event handlers, nothing loaded from another origin.
func TestPageIsSelfContained(t *testing.T) {
	ui := FS()
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script`),
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`),
		regexp.MustCompile(`(?i)url\(\s*['"]?(https?:)?//`),
		regexp.MustCompile(`(?i)@import`),
	}
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
