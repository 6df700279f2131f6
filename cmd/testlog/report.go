package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// minSecret is the shortest secret testlog looks for.
const minSecret = 8

// jwtShaped matches a compact JWS: two base64url JSON segments ({"… is
// eyJ…) and a signature (empty for alg none).
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time       time.Time
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Elapsed    float64
	Output     string
}

// scanner finds JWT-shaped strings and literal secrets in a line.
type scanner struct {
	secrets []string
	lines   int // lines scanned so far
}

func newScanner(secrets []string) *scanner {
	s := slices.Clone(secrets)
	// Longest first, so a secret containing another is redacted whole.
	slices.SortFunc(s, func(a, b string) int { return len(b) - len(a) })
	return &scanner{secrets: s}
}

// scan returns what line holds ("a JWT", "a configured secret") and the
// line with each of them replaced by [REDACTED].
func (s *scanner) scan(line string) (found []string, redacted string) {
	s.lines++
	redacted = line
	if jwtShaped.MatchString(redacted) {
		found = append(found, "a JWT")
		redacted = jwtShaped.ReplaceAllString(redacted, "[REDACTED]")
	}
	for _, sec := range s.secrets {
		if strings.Contains(redacted, sec) {
			found = append(found, "a configured secret")
			redacted = strings.ReplaceAll(redacted, sec, "[REDACTED]")
		}
	}
	return found, redacted
}

// testKey names a test of a package ("" for the package's own output).
type testKey struct{ pkg, test string }

func (k testKey) less(o testKey) int {
	return strings.Compare(k.pkg+"\x00"+k.test, o.pkg+"\x00"+o.test)
}

// report turns the events into the summary.
type report struct {
	w    io.Writer
	scan *scanner

	output  map[testKey][]string // output of the tests still running, redacted
	lines   map[testKey]int      // output lines seen per test
	build   map[string][]string  // build output per import path
	skipped []string
	leaks   []string
	failed  bool
	failPkg []string
}

func newReport(w io.Writer, s *scanner) *report {
	return &report{w: w, scan: s, output: map[testKey][]string{}, lines: map[testKey]int{}, build: map[string][]string{}}
}

// line handles one input line: a JSON event, or anything else (printed).
func (r *report) line(b []byte) {
	var e event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &e) != nil || e.Action == "" {
		text := string(b)
		if found, red := r.scan.scan(text); len(found) > 0 {
			r.leak("(not a test event)", "", 0, found, red)
			text = red
		}
		fmt.Fprintln(r.w, text)
		return
	}
	k := testKey{e.Package, e.Test}
	switch e.Action {
	case "build-output":
		r.build[e.ImportPath] = append(r.build[e.ImportPath], r.scanned(testKey{e.ImportPath, ""}, e.Output))
	case "build-fail":
		r.failed = true
		fmt.Fprint(r.w, strings.Join(r.build[e.ImportPath], "")) // starts with "# import path"
	case "output":
		r.output[k] = append(r.output[k], r.scanned(k, e.Output))
	case "skip":
		if e.Test != "" {
			r.skipped = append(r.skipped, fmt.Sprintf("%s %s%s", e.Package, e.Test, skipReason(r.output[k])))
			delete(r.output, k)
			return
		}
		fmt.Fprintf(r.w, "?   \t%s\t[no test files]\n", e.Package)
		delete(r.output, k)
	case "pass":
		if e.Test == "" {
			fmt.Fprintf(r.w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
		}
		delete(r.output, k)
	case "fail":
		r.failed = true
		if e.Test != "" {
			fmt.Fprint(r.w, strings.Join(r.output[k], ""))
			delete(r.output, k)
			return
		}
		// Tests that never ended (a timeout or a panic), then the
		// package's own output: the panic, the timeout, TestMain's failure.
		for _, t := range slices.SortedFunc(maps.Keys(r.output), testKey.less) {
			if t.pkg == e.Package && t.test != "" {
				fmt.Fprint(r.w, strings.Join(r.output[t], ""))
				delete(r.output, t)
			}
		}
		for _, l := range r.output[k] {
			if !goTestSummary(l, e.Package) {
				fmt.Fprint(r.w, l)
			}
		}
		delete(r.output, k)
		fmt.Fprintf(r.w, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
		r.failPkg = append(r.failPkg, e.Package)
	}
}

// scanned checks one output line of k, records a leak, and returns the line
// as it may be printed.
func (r *report) scanned(k testKey, out string) string {
	r.lines[k]++
	found, red := r.scan.scan(out)
	if len(found) > 0 {
		r.leak(k.pkg, k.test, r.lines[k], found, red)
	}
	return red
}

func (r *report) leak(pkg, test string, n int, found []string, redacted string) {
	where := pkg
	if test != "" {
		where += " " + test
	}
	if n > 0 {
		where += fmt.Sprintf(" (output line %d)", n)
	}
	r.leaks = append(r.leaks, fmt.Sprintf("%s: %s: %s", where, strings.Join(slices.Compact(found), " and "), strings.TrimRight(redacted, "\n")))
}

// goTestSummary reports whether l is one of the lines go test ends a
// package's output with (PASS, FAIL, "FAIL\tpkg\t1.2s"), which the report
// prints itself.
func goTestSummary(l, pkg string) bool {
	l = strings.TrimRight(l, "\n")
	return l == "PASS" || l == "FAIL" || strings.HasPrefix(l, "FAIL\t"+pkg+"\t") || strings.HasPrefix(l, "ok  \t"+pkg+"\t")
}

// skipReason is the reason a skipped test gave ("--- SKIP" is followed by
// the t.Skip message).
func skipReason(out []string) string {
	for i, l := range out {
		if strings.Contains(l, "--- SKIP:") && i+1 < len(out) {
			return ": " + strings.TrimSpace(out[i+1])
		}
	}
	return ""
}

// finish prints the skipped tests and the leaks and returns the exit code.
func (r *report) finish() int {
	if len(r.skipped) > 0 {
		fmt.Fprintf(r.w, "\n%d skipped:\n", len(r.skipped))
		for _, s := range r.skipped {
			fmt.Fprintln(r.w, "  "+s)
		}
	}
	code := 0
	if len(r.leaks) > 0 {
		fmt.Fprintf(r.w, "\nSECRETS IN THE TEST LOGS (%d lines; redacted here):\n", len(r.leaks))
		for _, l := range r.leaks {
			fmt.Fprintln(r.w, "  "+l)
		}
		code = 1
	} else {
		fmt.Fprintf(r.w, "\ntestlog: %d lines of test output scanned for JWT-shaped strings and %d listed secrets: none found\n", r.scan.lines, len(r.scan.secrets))
	}
	if r.failed {
		fmt.Fprintln(r.w, "\nFAIL")
		if len(r.failPkg) > 0 {
			fmt.Fprintln(r.w, "  "+strings.Join(r.failPkg, "\n  "))
		}
		code = 1
	}
	return code
}
