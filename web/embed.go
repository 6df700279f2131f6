// Package web holds FlowDeck's personal tab UI, embedded in the binary.
//
// The tab is a Vite + React + Fluent UI app (package.json, src/) that
// `make web` builds into dist/. FS serves dist when it holds a build, and a
// small built-in page (static/) otherwise, so `go build` and `go test` work
// on a fresh clone without Node.
package web

import (
	"embed"
	"io/fs"
)

// dist is the Vite build; only dist/.gitkeep is committed, so it may hold
// nothing else.
//
//go:embed all:dist
var dist embed.FS

// static is the fallback page, shown when the UI is not built.
//
//go:embed static
var static embed.FS

// FS returns the UI's files, rooted so that "index.html" is at the top: the
// built tab when dist holds one, else the fallback page.
func FS() fs.FS {
	if ui, ok := Built(); ok {
		return ui
	}
	return Fallback()
}

// Built returns the Vite build and true, or false when dist holds no
// index.html (the UI was not built: run `make web`).
func Built() (fs.FS, bool) {
	ui := sub(dist, "dist")
	if _, err := fs.Stat(ui, "index.html"); err != nil {
		return nil, false
	}
	return ui, true
}

// Fallback returns the built-in page that stands in for an unbuilt UI.
func Fallback() fs.FS { return sub(static, "static") }

func sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		// fs.Sub fails only on an invalid directory name, and dir is a
		// constant that go:embed has already checked.
		panic("web: " + err.Error())
	}
	return s
}
