package main

import (
	"math"
	"slices"
)

// summary is the median of a sample and its spread.
type summary struct {
	n                int
	median, min, max float64
}

// summarize returns the summary of vs; ok is false when vs is empty.
func summarize(vs []float64) (s summary, ok bool) {
	if len(vs) == 0 {
		return summary{}, false
	}
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	n := len(sorted)
	med := sorted[n/2]
	if n%2 == 0 {
		med = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return summary{n: n, median: med, min: sorted[0], max: sorted[n-1]}, true
}

// plusMinus is the spread as a fraction of the median: how far the farther
// of min and max lies from it (0.09 for ±9 %). With 5 runs benchstat's 95 %
// interval of the median is infinite, so the table gives this instead.
func (s summary) plusMinus() float64 {
	if s.median == 0 {
		return 0
	}
	return math.Max(s.max-s.median, s.median-s.min) / math.Abs(s.median)
}

// convert applies f to every value of vs.
func convert(vs []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = f(v)
	}
	return out
}
