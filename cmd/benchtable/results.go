package main

import (
	"bytes"
	"fmt"
	"io"

	"golang.org/x/perf/benchfmt"
)

// samples are the values of one command's benchmarks, run by run: by the
// benchmark's full name without its GOMAXPROCS suffix
// ("BenchmarkVerify/serial"), then by the unit as the benchmark printed it
// ("ns/op", "activities/s").
type samples map[string]map[string][]float64

// values returns the values of m, in the order of the runs.
func (s samples) values(m metric) []float64 { return s[m.bench][m.unit] }

// add appends the values of other to s.
func (s samples) add(other samples) {
	for name, units := range other {
		if s[name] == nil {
			s[name] = map[string][]float64{}
		}
		for unit, vs := range units {
			s[name][unit] = append(s[name][unit], vs...)
		}
	}
}

// parse reads `go test -bench` output (lines that are not benchmark results
// are skipped, as benchfmt skips them) into samples. A malformed benchmark
// line is an error.
func parse(r io.Reader, fileName string) (samples, error) {
	s := samples{}
	br := benchfmt.NewReader(r, fileName)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			name := benchName(rec.Name)
			if s[name] == nil {
				s[name] = map[string][]float64{}
			}
			for _, v := range rec.Values {
				// The unit as printed: benchfmt tidies "ns/op" into "sec/op".
				unit, val := v.Unit, v.Value
				if v.OrigUnit != "" {
					unit, val = v.OrigUnit, v.OrigValue
				}
				s[name][unit] = append(s[name][unit], val)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", fileName, err)
	}
	return s, nil
}

// benchName is "Benchmark" and the name without its "-GOMAXPROCS" suffix:
// benchfmt's "Verify/serial-2" gives "BenchmarkVerify/serial".
func benchName(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b bytes.Buffer
	b.WriteString("Benchmark")
	b.Write(base)
	for _, p := range parts {
		if len(p) > 0 && p[0] == '-' {
			continue // GOMAXPROCS, always last
		}
		b.Write(p)
	}
	return b.String()
}
