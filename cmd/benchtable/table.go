package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// formatTable renders the rows as one markdown table, with the samples of
// each entry by its id. A row whose benchmark gave no values says so.
func formatTable(entries []entry, rows []row, byEntry map[string]samples, count int) string {
	ents := map[string]entry{}
	for _, e := range entries {
		ents[e.id] = e
	}
	var b strings.Builder
	b.WriteString("| what | median | spread (min–max) | beside it (same run) | ratio | benchmark |\n")
	b.WriteString("|---|---:|---|---|---:|---|\n")
	for _, r := range rows {
		e := ents[r.entry]
		cells := cellsOf(r, byEntry[r.entry], count)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.what, cells.median, cells.spread, cells.beside, cells.ratio, benchCell(e, r))
	}
	return b.String()
}

// cells are the figures of one row as the table shows them.
type cells struct{ median, spread, beside, ratio string }

func cellsOf(r row, s samples, count int) cells {
	c := cells{median: "no result", spread: "—", beside: "—", ratio: "—"}
	sum, ok := summarize(convert(s.values(r.metric), r.show.conv))
	if !ok {
		return c
	}
	u := r.show.unit
	c.median = withUnit(sum.median, u)
	c.spread = fmt.Sprintf("%s–%s (±%.0f %%)", formatNumber(sum.min), withUnit(sum.max, u), 100*sum.plusMinus())
	if sum.n != count {
		c.spread += fmt.Sprintf(", %d runs", sum.n)
	}
	var besideSum summary
	if r.beside != nil {
		if besideSum, ok = summarize(convert(s.values(*r.beside), r.show.conv)); ok {
			c.beside = withUnit(besideSum.median, u) + " " + r.besideWhat
			if besideSum.median != 0 {
				c.ratio = formatRatio(sum.median / besideSum.median)
			}
		} else {
			c.beside = "no result (" + r.besideWhat + ")"
		}
	}
	if r.ratio != nil {
		if rs, ok := summarize(s.values(*r.ratio)); ok {
			c.ratio = formatRatio(rs.median)
		}
	}
	return c
}

// benchCell names the package, the benchmark (and the one beside it) and
// how it ran.
func benchCell(e entry, r row) string {
	pkg := strings.TrimPrefix(e.pkg, "./")
	s := fmt.Sprintf("`%s` `%s`", pkg, r.metric.bench)
	if r.beside != nil && r.beside.bench != r.metric.bench {
		s += fmt.Sprintf(" vs `%s`", r.beside.bench)
	}
	s += ", " + r.metric.unit + ", -benchtime " + e.benchtime
	if e.procs {
		s += ", a process per run"
	}
	return s
}

func formatRatio(x float64) string { return formatNumber(x) + "×" }

// withUnit is the number and its unit: "26,512/s", "2.14 s".
func withUnit(v float64, unit string) string {
	if unit == "" || strings.HasPrefix(unit, "/") {
		return formatNumber(v) + unit
	}
	return formatNumber(v) + " " + unit
}

// formatNumber gives about three significant digits, and thousands
// separators from 1,000 on: 26,512; 874; 21.4; 2.14; 0.634.
func formatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		return strconv.FormatFloat(v, 'g', -1, 64)
	case a >= 1000:
		return groupThousands(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case a >= 100 || a == 0:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// groupThousands puts commas into a string of digits with an optional sign.
func groupThousands(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}
