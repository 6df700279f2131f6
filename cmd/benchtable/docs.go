package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// The markers around the region of the docs file that benchtable owns.
const (
	beginMarker = "<!-- make bench: begin -->"
	endMarker   = "<!-- make bench: end -->"
)

// errMarkers is the error of a docs file without exactly one pair of
// markers in order.
var errMarkers = errors.New("want exactly one " + beginMarker + " followed by one " + endMarker)

// docsRegion is what goes between the markers: the header line and the
// table.
func docsRegion(header, table string) string {
	return "\n" + header + "\n\n" + table + "\n"
}

// replaceRegion returns doc with what lies between the markers replaced by
// region; the markers and everything outside them stay byte for byte.
func replaceRegion(doc, region string) (string, error) {
	if strings.Count(doc, beginMarker) != 1 || strings.Count(doc, endMarker) != 1 {
		return "", errMarkers
	}
	begin := strings.Index(doc, beginMarker) + len(beginMarker)
	end := strings.Index(doc, endMarker)
	if end < begin {
		return "", errMarkers
	}
	return doc[:begin] + region + doc[end:], nil
}

// updateFile replaces the region between the markers of the file at path.
func updateFile(path, region string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := replaceRegion(string(old), region)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), fi.Mode().Perm())
}
