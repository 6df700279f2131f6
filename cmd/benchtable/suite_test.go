package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestSuite checks that every row is measured by an entry whose -bench
// pattern selects the row's benchmarks, and that the entries are complete.
func TestSuite(t *testing.T) {
	entries, rows := suite()
	byID := map[string]entry{}
	for _, e := range entries {
		if _, dup := byID[e.id]; dup {
			t.Errorf("entry %q twice", e.id)
		}
		if e.pkg == "" || e.bench == "" || e.benchtime == "" {
			t.Errorf("entry %q: package, -bench and -benchtime are all needed", e.id)
		}
		byID[e.id] = e
	}
	used := map[string]bool{}
	for _, r := range rows {
		e, ok := byID[r.entry]
		if !ok {
			t.Errorf("row %q: no entry %q", r.what, r.entry)
			continue
		}
		used[r.entry] = true
		if r.show.conv == nil || r.metric.unit == "" {
			t.Errorf("row %q: no conversion or unit", r.what)
		}
		for _, m := range []*metric{&r.metric, r.beside, r.ratio} {
			if m != nil && !selects(t, e.bench, m.bench) {
				t.Errorf("row %q: -bench %q does not select %s", r.what, e.bench, m.bench)
			}
		}
	}
	for id := range byID {
		if !used[id] {
			t.Errorf("entry %q feeds no row", id)
		}
	}
}

// selects reports whether the -bench pattern selects the benchmark name, as
// go test matches them: level by level, split at slashes.
func selects(t *testing.T, pattern, name string) bool {
	pats, parts := strings.Split(pattern, "/"), strings.Split(name, "/")
	for i, p := range pats {
		if i >= len(parts) {
			return false
		}
		if !regexp.MustCompile(p).MatchString(parts[i]) {
			return false
		}
	}
	return true
}

func TestFilter(t *testing.T) {
	entries, rows := suite()
	e, r := filter(entries, rows, regexp.MustCompile("SSO"))
	if len(e) != 1 || e[0].id != "verify" || len(r) != 2 {
		t.Errorf("-only SSO: %d entries, %d rows; want the verify entry and its 2 rows", len(e), len(r))
	}
	e, r = filter(entries, rows, regexp.MustCompile("^BenchmarkCycle1000Users"))
	if len(e) != 1 || e[0].id != "monitor" || len(r) != 3 {
		t.Errorf("-only BenchmarkCycle1000Users: %d entries, %d rows; want the monitor entry and its 3 rows", len(e), len(r))
	}
	if e, r := filter(entries, rows, regexp.MustCompile("nothing matches this")); len(e) != 0 || len(r) != 0 {
		t.Errorf("%d entries, %d rows; want none", len(e), len(r))
	}
}

func TestCommands(t *testing.T) {
	e := entry{pkg: "./internal/monitor", bench: "^B$", benchtime: "1x"}
	got := commands(e, 5)
	if len(got) != 1 || strings.Join(got[0], " ") != "test -run ^$ -bench ^B$ -benchtime 1x -count 5 -benchmem ./internal/monitor" {
		t.Errorf("one process: %q", got)
	}
	e.procs = true
	got = commands(e, 5)
	if len(got) != 5 || strings.Join(got[4], " ") != "test -run ^$ -bench ^B$ -benchtime 1x -count 1 -benchmem ./internal/monitor" {
		t.Errorf("a process per run: %q", got)
	}
}
