package main

import (
	"reflect"
	"strings"
	"testing"
)

// goTestOutput is `go test -bench -count 2` output of two packages' worth of
// lines, with the noise go test prints around the results.
const goTestOutput = `goos: linux
goarch: amd64
pkg: github.com/flowdeck/flowdeck/internal/bot
cpu: AMD EPYC
BenchmarkHelpThroughput/16
BenchmarkHelpThroughput/16-2         	    4000	    815410 ns/op	      1226 activities/s	         7.953 p50-ms	   70554 B/op	     503 allocs/op
BenchmarkHelpThroughput/16-2         	    4000	    715410 ns/op	      1400 activities/s	         6.5 p50-ms	   70554 B/op	     503 allocs/op
--- BENCH: BenchmarkHelpThroughput/16-2
    bench_test.go:35: a log line
BenchmarkHelpThroughput/echo-16-2    	    4000	    553670 ns/op	      1806 activities/s	         4.655 p50-ms	   41650 B/op	     436 allocs/op
BenchmarkCycle1000Users/sqlite-2   	       1	29725157173 ns/op	       112.6 heap-MB	         1.160 calls/flow
PASS
ok  	github.com/flowdeck/flowdeck/internal/bot	16.014s
`

func TestParse(t *testing.T) {
	got, err := parse(strings.NewReader(goTestOutput), "out")
	if err != nil {
		t.Fatal(err)
	}
	want := samples{
		"BenchmarkHelpThroughput/16": {
			"ns/op": {815410, 715410}, "activities/s": {1226, 1400}, "p50-ms": {7.953, 6.5},
			"B/op": {70554, 70554}, "allocs/op": {503, 503},
		},
		"BenchmarkHelpThroughput/echo-16": {
			"ns/op": {553670}, "activities/s": {1806}, "p50-ms": {4.655}, "B/op": {41650}, "allocs/op": {436},
		},
		"BenchmarkCycle1000Users/sqlite": {"ns/op": {29725157173}, "heap-MB": {112.6}, "calls/flow": {1.16}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parse:\n got %v\nwant %v", got, want)
	}
}

func TestParseMalformedLine(t *testing.T) {
	_, err := parse(strings.NewReader("BenchmarkX-2 \t 10 \t 12 ns/op 7\n"), "out")
	if err == nil || !strings.Contains(err.Error(), "missing units") {
		t.Errorf("err = %v, want a syntax error about the missing unit", err)
	}
}

func TestSamplesAdd(t *testing.T) {
	s := samples{"BenchmarkA": {"ns/op": {1}}}
	s.add(samples{"BenchmarkA": {"ns/op": {2}, "B/op": {8}}, "BenchmarkB": {"ns/op": {3}}})
	want := samples{"BenchmarkA": {"ns/op": {1, 2}, "B/op": {8}}, "BenchmarkB": {"ns/op": {3}}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %v, want %v", s, want)
	}
}
