package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// runSuite runs every entry count times, appends the raw output of every
// command to the file rawPath and reports progress to progress. It returns
// the samples by entry id and the ids of the entries whose command failed;
// their results so far are kept. The error is for what stops the whole
// suite: the raw file, an interrupt.
func runSuite(ctx context.Context, entries []entry, count int, rawPath string, progress io.Writer) (map[string]samples, []string, error) {
	if err := os.MkdirAll(filepath.Dir(rawPath), 0o755); err != nil {
		return nil, nil, err
	}
	raw, err := os.Create(rawPath)
	if err != nil {
		return nil, nil, err
	}
	defer raw.Close()

	byEntry := map[string]samples{}
	var failed []string
	for i, e := range entries {
		start := time.Now()
		s := samples{}
		var runErr error
		for _, args := range commands(e, count) {
			fmt.Fprintf(raw, "# go %s\n", strings.Join(args, " "))
			out, err := goTest(ctx, args, e.env, raw)
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			got, perr := parse(bytes.NewReader(out), e.id)
			if err == nil {
				err = perr
			}
			if got != nil {
				s.add(got)
			}
			if err != nil {
				runErr = err
				break
			}
		}
		byEntry[e.id] = s
		status := "ok"
		if runErr != nil {
			failed = append(failed, e.id)
			status = "FAILED: " + runErr.Error()
		}
		fmt.Fprintf(progress, "benchtable: [%d/%d] %s -bench '%s' -benchtime %s: %s in %s\n",
			i+1, len(entries), e.pkg, e.bench, e.benchtime, status, time.Since(start).Round(100*time.Millisecond))
	}
	if err := raw.Close(); err != nil {
		return nil, nil, err
	}
	return byEntry, failed, nil
}

// commands are the arguments of the go commands that make count runs of e:
// one command with -count, or count commands with -count 1 each.
func commands(e entry, count int) [][]string {
	args := func(n int) []string {
		return []string{"test", "-run", "^$", "-bench", e.bench, "-benchtime", e.benchtime,
			"-count", strconv.Itoa(n), "-benchmem", e.pkg}
	}
	if !e.procs {
		return [][]string{args(count)}
	}
	cmds := make([][]string, count)
	for i := range cmds {
		cmds[i] = args(1)
	}
	return cmds
}

// goTest runs go with args and the environment plus env, copies its
// standard output and error to raw as they come, and returns its standard
// output.
func goTest(ctx context.Context, args, env []string, raw io.Writer) ([]byte, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = io.MultiWriter(&out, raw)
	cmd.Stderr = raw
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return out.Bytes(), nil
}
