// Command testlog reads `go test -json` on standard input, prints a summary
// as `go test` does (ok or FAIL per package with its time, the whole output
// of every failed test, the skipped tests), and scans every output line of
// every test — passing ones too — for JWT-shaped strings and for the
// literal secrets listed in a file. It exits non-zero when a test failed or
// when a secret was found; a found secret is reported with its package,
// test and line, and is redacted in testlog's own output.
//
//	go test -race -count=1 -json ./... | go run ./cmd/testlog -secrets cmd/testlog/secrets.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	secretsFile := flag.String("secrets", "", "a file of literal secrets, one per line (# starts a comment)")
	flag.Parse()
	var secrets []string
	if *secretsFile != "" {
		b, err := os.ReadFile(*secretsFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testlog:", err)
			os.Exit(2)
		}
		secrets = parseSecrets(string(b))
	}
	os.Exit(run(os.Stdin, os.Stdout, secrets))
}

// parseSecrets reads one secret per line, skipping blank lines and #
// comments. Secrets shorter than minSecret characters are ignored: they
// would match ordinary text.
func parseSecrets(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || len(line) < minSecret {
			continue
		}
		out = append(out, line)
	}
	return out
}

// run reads the events from r, writes the summary to w and returns the exit
// code: 0 when every test passed and no secret was found, 1 otherwise.
func run(r io.Reader, w io.Writer, secrets []string) int {
	rep := newReport(w, newScanner(secrets))
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		rep.line(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(w, "testlog: read:", err)
		rep.failed = true
	}
	return rep.finish()
}
