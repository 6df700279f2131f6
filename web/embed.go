// Package web holds FlowDeck's tab UI, embedded in the binary. Today it is a
// small static page; a later Vite build replaces the files behind FS.
package web

import (
	"embed"
	"io/fs"
)

// static is the UI as built: index.html and its assets.
//
//go:embed static
var static embed.FS

// FS returns the UI's files, rooted so that "index.html" is at the top.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only on an invalid directory name, and "static" is a
		// constant that go:embed has already checked.
		panic("web: " + err.Error())
	}
	return sub
}
