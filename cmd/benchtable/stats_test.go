package main

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		vs   []float64
		want summary
	}{
		{"odd count, unsorted", []float64{5, 1, 4, 2, 3}, summary{n: 5, median: 3, min: 1, max: 5}},
		{"even count: mean of the middle two", []float64{4, 1, 3, 2}, summary{n: 4, median: 2.5, min: 1, max: 4}},
		{"one value", []float64{7}, summary{n: 1, median: 7, min: 7, max: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := summarize(tt.vs)
			if !ok || got != tt.want {
				t.Errorf("summarize(%v) = %+v, %v; want %+v, true", tt.vs, got, ok, tt.want)
			}
		})
	}
	if _, ok := summarize(nil); ok {
		t.Error("summarize(nil) is ok, want not ok")
	}
}

func TestSummarizeLeavesInputAlone(t *testing.T) {
	vs := []float64{3, 1, 2}
	summarize(vs)
	if vs[0] != 3 || vs[1] != 1 || vs[2] != 2 {
		t.Errorf("input reordered to %v", vs)
	}
}

func TestPlusMinus(t *testing.T) {
	tests := []struct {
		s    summary
		want float64
	}{
		{summary{median: 100, min: 90, max: 105}, 0.10},
		{summary{median: 100, min: 98, max: 120}, 0.20},
		{summary{median: 5, min: 5, max: 5}, 0},
		{summary{median: 0, min: -1, max: 1}, 0},
	}
	for _, tt := range tests {
		if got := tt.s.plusMinus(); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%+v.plusMinus() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestConvertPerSecondSwapsMinAndMax(t *testing.T) {
	got, _ := summarize(convert([]float64{50_000, 40_000, 25_000}, perSecond.conv))
	want := summary{n: 3, median: 25_000, min: 20_000, max: 40_000}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
