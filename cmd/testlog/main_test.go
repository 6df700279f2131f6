package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// events encodes test2json events, one per line.
func events(t *testing.T, es ...event) string {
	t.Helper()
	var b strings.Builder
	for _, e := range es {
		j, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func out(pkg, test, s string) event {
	return event{Action: "output", Package: pkg, Test: test, Output: s}
}

const (
	// A token the scanner must find: header {"alg":"RS256"}, payload {"sub":"x"}, a signature.
	jwt    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0xxxxxxxx.c2lnbmF0dXJlX2J5dGVz"
	secret = "demo-secret-not-for-production"
)

func TestSummary(t *testing.T) {
	in := events(t,
		event{Action: "start", Package: "ex/a"},
		event{Action: "run", Package: "ex/a", Test: "TestOK"},
		out("ex/a", "TestOK", "=== RUN   TestOK\n"),
		out("ex/a", "TestOK", "    a_test.go:9: chatty but fine\n"),
		event{Action: "pass", Package: "ex/a", Test: "TestOK", Elapsed: 0.01},
		event{Action: "run", Package: "ex/a", Test: "TestSkip"},
		out("ex/a", "TestSkip", "--- SKIP: TestSkip (0.00s)\n"),
		out("ex/a", "TestSkip", "    a_test.go:12: needs PostgreSQL\n"),
		event{Action: "skip", Package: "ex/a", Test: "TestSkip"},
		event{Action: "pass", Package: "ex/a", Elapsed: 1.5},
		event{Action: "skip", Package: "ex/none"},
	)
	var w bytes.Buffer
	if code := run(strings.NewReader(in), &w, nil); code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, w.String())
	}
	got := w.String()
	for _, want := range []string{"ok  \tex/a\t1.500s", "?   \tex/none\t[no test files]", "1 skipped:", "ex/a TestSkip: a_test.go:12: needs PostgreSQL",
		"testlog: 4 lines of test output scanned for JWT-shaped strings and 0 listed secrets: none found"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "chatty but fine") {
		t.Errorf("a passing test's output is printed:\n%s", got)
	}
}

func TestFailedTestOutputIsPrinted(t *testing.T) {
	in := events(t,
		event{Action: "run", Package: "ex/b", Test: "TestBad"},
		out("ex/b", "TestBad", "=== RUN   TestBad\n"),
		out("ex/b", "TestBad", "    b_test.go:7: got 1, want 2\n"),
		out("ex/b", "TestBad", "--- FAIL: TestBad (0.00s)\n"),
		event{Action: "fail", Package: "ex/b", Test: "TestBad"},
		event{Action: "run", Package: "ex/b", Test: "TestHangs"},
		out("ex/b", "TestHangs", "=== RUN   TestHangs\n"),
		out("ex/b", "", "panic: test timed out after 10m0s\n"),
		out("ex/b", "", "FAIL\n"),
		out("ex/b", "", "FAIL\tex/b\t600.000s\n"),
		event{Action: "fail", Package: "ex/b", Elapsed: 600},
	)
	var w bytes.Buffer
	if code := run(strings.NewReader(in), &w, nil); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"b_test.go:7: got 1, want 2", "--- FAIL: TestBad", "=== RUN   TestHangs", "panic: test timed out", "FAIL\tex/b\t600.000s"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, w.String())
		}
	}
	if n := strings.Count(w.String(), "FAIL\tex/b\t"); n != 1 {
		t.Errorf("the package's FAIL line is printed %d times:\n%s", n, w.String())
	}
}

func TestBuildFailure(t *testing.T) {
	in := events(t,
		event{Action: "build-output", ImportPath: "ex/c [ex/c.test]", Output: "c.go:3:1: syntax error\n"},
		event{Action: "build-fail", ImportPath: "ex/c [ex/c.test]"},
		event{Action: "fail", Package: "ex/c"},
	)
	var w bytes.Buffer
	if code := run(strings.NewReader(in), &w, nil); code != 1 || !strings.Contains(w.String(), "c.go:3:1: syntax error") {
		t.Fatalf("exit %d:\n%s", code, w.String())
	}
}

// TestSecretsInPassingTests: a JWT or a listed secret in any line of any
// test fails the run, names where it was, and is never printed.
func TestSecretsInPassingTests(t *testing.T) {
	in := events(t,
		event{Action: "run", Package: "ex/d", Test: "TestLeaky"},
		out("ex/d", "TestLeaky", "=== RUN   TestLeaky\n"),
		out("ex/d", "TestLeaky", "    time=... msg=\"token\" value=Bearer "+jwt+"\n"),
		out("ex/d", "TestLeaky", "    d_test.go:5: secret="+secret+"\n"),
		event{Action: "pass", Package: "ex/d", Test: "TestLeaky"},
		event{Action: "pass", Package: "ex/d", Elapsed: 0.2},
	)
	in += "a stray line with " + secret + "\n"
	var w bytes.Buffer
	code := run(strings.NewReader(in), &w, parseSecrets("# comment\n"+secret+"\nshort\n"))
	got := w.String()
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, got)
	}
	if strings.Contains(got, jwt) || strings.Contains(got, secret) {
		t.Errorf("testlog printed the secret:\n%s", got)
	}
	for _, want := range []string{
		"ex/d TestLeaky (output line 2): a JWT: ",
		"ex/d TestLeaky (output line 3): a configured secret: ",
		"Bearer [REDACTED]", "secret=[REDACTED]", "(not a test event): a configured secret",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestParseSecrets(t *testing.T) {
	got := parseSecrets("# c\n\n  long-enough-secret  \nshort\n")
	if len(got) != 1 || got[0] != "long-enough-secret" {
		t.Errorf("parseSecrets = %q", got)
	}
}

func TestScannerIgnoresOrdinaryText(t *testing.T) {
	s := newScanner([]string{secret})
	for _, line := range []string{
		"eyJ alone is not a token",
		"ok  \tgithub.com/flowdeck/flowdeck/internal/identity\t3.1s",
		`"kid":"abc","alg":"RS256"`,
	} {
		if found, _ := s.scan(line); len(found) > 0 {
			t.Errorf("scan(%q) found %v", line, found)
		}
	}
}
