package appmanifest

import (
	"archive/zip"
	"fmt"
	"io"
	"time"
)

// ManifestFile is the manifest's file name at the root of the package.
const ManifestFile = "manifest.json"

// zipTime is the modification time of every file in the package, fixed so
// that the same Options always give the same bytes.
var zipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Package writes the Teams app package for o to w: a zip holding
// manifest.json, color.png and outline.png at its root, with no folder. It
// validates o first and writes nothing when o is invalid.
func Package(o Options, w io.Writer) error {
	m, err := Manifest(o)
	if err != nil {
		return err
	}
	color, outline := Icons()
	zw := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{
		{ManifestFile, m},
		{ColorFile, color},
		{OutlineFile, outline},
	} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return fmt.Errorf("appmanifest: zip %s: %w", f.name, err)
		}
		if _, err := fw.Write(f.data); err != nil {
			return fmt.Errorf("appmanifest: zip %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("appmanifest: zip: %w", err)
	}
	return nil
}
