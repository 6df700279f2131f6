// Command benchtable runs FlowDeck's benchmark suite and prints one table of
// its figures: for every row the median of the runs, their spread, and the
// baseline, ceiling or bound that the same run measured beside it. It also
// writes the table, the date, the machine and the suite's wall time into
// docs/performance.md, between the markers
//
//	<!-- make bench: begin -->
//	<!-- make bench: end -->
//
// and leaves the rest of that file as it is. `make bench` runs it.
//
// Each entry of the suite (suite.go) is one `go test -bench` command run
// -count times (or that many processes of one run each); the raw output of
// every command goes to bin/bench-raw.txt and is parsed with
// golang.org/x/perf/benchfmt.
//
// Usage:
//
//	go run ./cmd/benchtable [-count 5] [-write=true] [-only regexp] [-o docs/performance.md] [-raw bin/bench-raw.txt]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 5, "runs of every benchmark (at least 5 for the docs)")
	write := fs.Bool("write", true, "write the table into the docs file (never with -only)")
	only := fs.String("only", "", "run only the rows whose label or benchmark matches this regexp (implies -write=false)")
	out := fs.String("o", "docs/performance.md", "the docs file to update between its markers")
	raw := fs.String("raw", "bin/bench-raw.txt", "where the raw benchmark output goes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 1 {
		return fmt.Errorf("-count %d: want at least 1", *count)
	}
	entries, rows := suite()
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return fmt.Errorf("-only: %w", err)
		}
		entries, rows = filter(entries, rows, re)
		if len(rows) == 0 {
			return fmt.Errorf("-only %q matches no row", *only)
		}
	}

	start := time.Now()
	samples, failed, err := runSuite(ctx, entries, *count, *raw, stderr)
	if err != nil {
		return err
	}
	wall := time.Since(start)

	header := fmt.Sprintf("%s · %s · each figure the median of %d runs · suite wall time %s",
		time.Now().Format(time.DateOnly), describeMachine(), *count, wall.Round(time.Second))
	table := formatTable(entries, rows, samples, *count)
	fmt.Fprintf(stdout, "%s\n\n%s", header, table)

	switch {
	case len(failed) > 0:
		return fmt.Errorf("%d of %d commands failed (%v); raw output in %s; %s not written", len(failed), len(entries), failed, *raw, *out)
	case *only != "" || !*write:
		fmt.Fprintf(stderr, "%s not written\n", *out)
		return nil
	case *count < 5:
		fmt.Fprintf(stderr, "%s not written: -count %d, the docs want at least 5 runs\n", *out, *count)
		return nil
	}
	if err := updateFile(*out, docsRegion(header, table)); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote the table into %s\n", *out)
	return nil
}
