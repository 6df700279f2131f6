package appmanifest

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"testing"
)

func TestPackage(t *testing.T) {
	o := validOptions(t)
	var buf bytes.Buffer
	if err := Package(o, &buf); err != nil {
		t.Fatalf("Package: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	wantManifest, err := Manifest(o)
	if err != nil {
		t.Fatal(err)
	}
	color, outline := Icons()
	want := map[string][]byte{"manifest.json": wantManifest, "color.png": color, "outline.png": outline}

	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.FileInfo().IsDir() {
			t.Errorf("%s is a folder", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if w, ok := want[f.Name]; ok && !bytes.Equal(got, w) {
			t.Errorf("%s in the zip differs from what Manifest/Icons return", f.Name)
		}
	}
	// Exactly the three files, at the root (no folder prefix).
	slices.Sort(names)
	if wantNames := []string{"color.png", "manifest.json", "outline.png"}; !slices.Equal(names, wantNames) {
		t.Errorf("zip holds %q, want %q", names, wantNames)
	}

	// The same options give the same bytes.
	var again bytes.Buffer
	if err := Package(o, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Package is not reproducible")
	}
}

func TestPackageInvalidWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	err := Package(Options{}, &buf)
	if err == nil {
		t.Fatal("Package(Options{}) = nil, want an error")
	}
	if buf.Len() != 0 {
		t.Errorf("Package wrote %d bytes for invalid options", buf.Len())
	}
}
