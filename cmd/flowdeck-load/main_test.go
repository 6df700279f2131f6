package main

import (
	"bytes"
	"strings"
	"testing"
)

// The command refuses bad flags before starting anything (exit 2) and
// prints its usage on -h (exit 0); the run itself is internal/loadtest's
// TestLoadShort.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"-h"}, 0, "Usage: flowdeck-load"},
		{[]string{"-users", "0"}, 2, "must be positive"},
		{[]string{"-duration", "-1s"}, 2, "must be positive"},
		{[]string{"-log-level", "loud"}, 2, "-log-level"},
		{[]string{"extra"}, 2, "no arguments"},
		{[]string{"-nosuchflag"}, 2, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.out) {
			t.Errorf("flowdeck-load %v: exit %d, output %q; want exit %d and %q", tc.args, code, stdout.String()+stderr.String(), tc.code, tc.out)
		}
	}
}
