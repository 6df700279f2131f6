package main

import (
	"strings"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{26511.6, "26,512"},
		{1_234_567, "1,234,567"},
		{-4520, "-4,520"},
		{1000, "1,000"},
		{874.4, "874"},
		{21.44, "21.4"},
		{2.144, "2.14"},
		{0.6341, "0.634"},
		{0, "0"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v); got != tt.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestWithUnit(t *testing.T) {
	if got := withUnit(4520, "/s"); got != "4,520/s" {
		t.Errorf("got %q", got)
	}
	if got := withUnit(2.14, "s"); got != "2.14 s" {
		t.Errorf("got %q", got)
	}
}

// fakeRun is what two entries of a -count 3 suite printed.
const fakeRun = `pkg: github.com/flowdeck/flowdeck/internal/bot
BenchmarkHelpThroughput/16-2       	4000	 815410 ns/op	 1200 activities/s
BenchmarkHelpThroughput/16-2       	4000	 715410 ns/op	 1400 activities/s
BenchmarkHelpThroughput/16-2       	4000	 715410 ns/op	 1300 activities/s
BenchmarkHelpThroughput/echo-16-2  	4000	 553670 ns/op	 2000 activities/s
BenchmarkHelpThroughput/echo-16-2  	4000	 553670 ns/op	 2600 activities/s
BenchmarkHelpThroughput/echo-16-2  	4000	 553670 ns/op	 2500 activities/s
pkg: github.com/flowdeck/flowdeck/internal/identity
BenchmarkVerify/serial-2  	10000	  40000 ns/op
BenchmarkVerify/serial-2  	10000	  50000 ns/op
BenchmarkVerify/serial-2  	10000	  25000 ns/op
BenchmarkFailures24h-2   	1	2142584218 ns/op	1980 bound-ms	2142 median-ms	1.082 x-bound
BenchmarkFailures24h-2   	1	2142584218 ns/op	2000 bound-ms	2100 median-ms	1.05 x-bound
`

func TestFormatTable(t *testing.T) {
	entries := []entry{
		{id: "tp", pkg: "./internal/bot", bench: "x", benchtime: "4000x"},
		{id: "v", pkg: "./internal/identity", bench: "y", benchtime: "1s", procs: true},
		{id: "gone", pkg: "./internal/gone", bench: "z", benchtime: "1x"},
	}
	rows := []row{
		{entry: "tp", what: "help at once", metric: m("BenchmarkHelpThroughput/16", "activities/s"), show: as("/s"),
			beside: ptr(m("BenchmarkHelpThroughput/echo-16", "activities/s")), besideWhat: "echo"},
		{entry: "v", what: "verifications", metric: m("BenchmarkVerify/serial", "ns/op"), show: perSecond},
		{entry: "v", what: "failures", metric: m("BenchmarkFailures24h", "median-ms"), show: as("ms"),
			beside: ptr(m("BenchmarkFailures24h", "bound-ms")), besideWhat: "bound", ratio: ptr(m("BenchmarkFailures24h", "x-bound"))},
		{entry: "gone", what: "missing", metric: m("BenchmarkGone", "ns/op"), show: millis},
	}
	s, err := parse(strings.NewReader(fakeRun), "fake")
	if err != nil {
		t.Fatal(err)
	}
	got := formatTable(entries, rows, map[string]samples{"tp": s, "v": s}, 3)
	want := "| what | median | spread (min–max) | beside it (same run) | ratio | benchmark |\n" +
		"|---|---:|---|---|---:|---|\n" +
		"| help at once | 1,300/s | 1,200–1,400/s (±8 %) | 2,500/s echo | 0.52× | `internal/bot` `BenchmarkHelpThroughput/16` vs `BenchmarkHelpThroughput/echo-16`, activities/s, -benchtime 4000x |\n" +
		"| verifications | 25,000/s | 20,000–40,000/s (±60 %) | — | — | `internal/identity` `BenchmarkVerify/serial`, ns/op, -benchtime 1s, a process per run |\n" +
		"| failures | 2,121 ms | 2,100–2,142 ms (±1 %), 2 runs | 1,990 ms bound | 1.07× | `internal/identity` `BenchmarkFailures24h`, median-ms, -benchtime 1s, a process per run |\n" +
		"| missing | no result | — | — | — | `internal/gone` `BenchmarkGone`, ns/op, -benchtime 1x |\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
