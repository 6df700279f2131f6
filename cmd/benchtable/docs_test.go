package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceRegion(t *testing.T) {
	const (
		before = "# Performance\n\nIntro, with trailing spaces  \r\n\n## Summary\n\n"
		after  = "\n\n## Foundation\n\n| a | b |\n" // no final newline change either
	)
	tests := []struct{ name, old string }{
		{"empty region", ""},
		{"old table", "\nold header\n\n| x |\n|---|\n| 1 |\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := before + beginMarker + tt.old + endMarker + after
			got, err := replaceRegion(doc, "\nNEW\n")
			if err != nil {
				t.Fatal(err)
			}
			if want := before + beginMarker + "\nNEW\n" + endMarker + after; got != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestReplaceRegionMarkers(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"no markers", "# Performance\n"},
		{"no end", beginMarker + "\n"},
		{"no begin", endMarker + "\n"},
		{"end before begin", endMarker + "\n" + beginMarker + "\n"},
		{"two regions", beginMarker + endMarker + beginMarker + endMarker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := replaceRegion(tt.doc, "x"); !errors.Is(err, errMarkers) {
				t.Errorf("err = %v, want errMarkers", err)
			}
		})
	}
}

func TestUpdateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	doc := "top\n" + beginMarker + "old" + endMarker + "\nbottom\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateFile(path, docsRegion("2026-11-25 · 2 cores", "| t |\n")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "top\n" + beginMarker + "\n2026-11-25 · 2 cores\n\n| t |\n\n" + endMarker + "\nbottom\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}

	missing := filepath.Join(t.TempDir(), "nomarkers.md")
	if err := os.WriteFile(missing, []byte("no markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateFile(missing, "x"); !errors.Is(err, errMarkers) {
		t.Errorf("err = %v, want errMarkers", err)
	}
	if b, _ := os.ReadFile(missing); string(b) != "no markers\n" {
		t.Errorf("a file without markers was changed: %q", b)
	}
}
