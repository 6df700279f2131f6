package main

import (
	"regexp"
	"slices"
)

// entry is one `go test -bench` command of the suite.
type entry struct {
	id        string   // what rows refer to it by
	pkg       string   // the package, "./internal/identity"
	bench     string   // the -bench regexp
	benchtime string   // the -benchtime
	env       []string // added to the environment ("KEY=value")
	procs     bool     // each run is a process of its own (-count 1, count times)
}

// metric is one figure a benchmark of an entry reports.
type metric struct {
	bench string // the full name without the GOMAXPROCS suffix: "BenchmarkVerify/serial"
	unit  string // the unit as the benchmark prints it: "ns/op", "activities/s"
}

// row is one line of the table: a figure, and what the same run measured
// beside it (a baseline, ceiling or bound), if anything.
type row struct {
	entry      string // the id of the entry that measures it
	what       string
	metric     metric
	show       show
	beside     *metric // nil: nothing beside it
	besideWhat string
	ratio      *metric // a per-run ratio the benchmark reports; nil: median ÷ median beside
}

// show is how a row presents its metric: converted, then with its unit.
type show struct {
	unit string
	conv func(float64) float64
}

var (
	perSecond = show{"/s", func(ns float64) float64 { return 1e9 / ns }}
	millis    = show{"ms", func(ns float64) float64 { return ns / 1e6 }}
	micros    = show{"µs", func(ns float64) float64 { return ns / 1e3 }}
	seconds   = show{"s", func(ns float64) float64 { return ns / 1e9 }}
)

// as shows a metric as it is, with unit.
func as(unit string) show { return show{unit, func(v float64) float64 { return v }} }

func m(bench, unit string) metric { return metric{bench, unit} }

func ptr(x metric) *metric { return &x }

// suite is what `make bench` runs, in this order, and the rows of its table,
// in the order. The benchtimes keep the whole suite under 10 minutes
// on a 2-core machine: the monitor's cycle over 1,000 users is most of it.
// The bot's open-loop benchmark (BenchmarkHelpAtRate, about 70 s for 5 runs
// of help and echo) does not fit beside it; `make bench-all` runs it.
func suite() ([]entry, []row) {
	entries := []entry{
		{id: "verify", pkg: "./internal/identity", bench: "^BenchmarkVerify$", benchtime: "10000x"},
		{id: "obo", pkg: "./internal/identity", bench: "^BenchmarkOBOConcurrent$", benchtime: "200x"},
		{id: "cache", pkg: "./internal/identity", bench: "^BenchmarkCacheMemoryPerUser$", benchtime: "1x"},
		{id: "throughput", pkg: "./internal/bot", bench: "^BenchmarkHelpThroughput$/^(16|echo-16)$", benchtime: "4000x"},
		{id: "failures", pkg: "./internal/powerautomate", bench: "^BenchmarkFailures24h$", benchtime: "1x"},
		{id: "compose", pkg: "./internal/bot", bench: "^BenchmarkComposeSearch1000Flows$", benchtime: "40x"},
		{id: "tab", pkg: "./internal/server", bench: "^BenchmarkTabFlows$/^default$", benchtime: "200x"},
		// Per run: a 10,000-flow tenant three times (a few seconds each), a
		// live refresh of 1,900 calls at 300 ms, 32 in flight (about 20 s),
		// and 30 opens of the tab over 5 minutes of simulated time.
		{id: "scale", pkg: "./internal/server", bench: "^BenchmarkDashboardAtScale$", benchtime: "1x"},
		// Per run: the same tenant and a monitor fixture three times, and
		// 20 minutes of fake time each (a few seconds).
		{id: "share", pkg: "./internal/monitor", bench: "^BenchmarkTabAndMonitorBudget$", benchtime: "1x"},
		{id: "healthz", pkg: "./internal/server", bench: "^Benchmark(Healthz|BareEcho)$", benchtime: "50000x"},
		{id: "render", pkg: "./internal/systemtest", bench: "^BenchmarkBrowserDashboardFirstRender$", benchtime: "1x",
			env: []string{"FLOWDECK_BROWSER_TESTS=1"}},
		// Each op of these also builds a fake Entra ID (RSA keys) or stops a
		// process outside the timer: about a second each on a busy machine.
		{id: "process", pkg: "./internal/systemtest", bench: "^BenchmarkProcessStartToReady$", benchtime: "2x"},
		{id: "main", pkg: "./internal/systemtest", bench: "^BenchmarkMainStartToReady$", benchtime: "3x"},
		// One op is a 5-minute period of fake time over 1,000 users, after a
		// setup of about 45 s; a process of its own per run, because a later
		// run in the same process still holds part of the previous fixture
		// (docs/performance.md, Monitor) and its heap-MB would count it.
		{id: "monitor", pkg: "./internal/monitor", bench: "^BenchmarkCycle1000Users$/^sqlite$", benchtime: "1x", procs: true},
	}
	const (
		tput   = "BenchmarkHelpThroughput/16"
		tpEcho = "BenchmarkHelpThroughput/echo-16"
		cycle  = "BenchmarkCycle1000Users/sqlite"
	)
	rows := []row{
		{entry: "verify", what: "SSO token verifications, one core", metric: m("BenchmarkVerify/serial", "ns/op"), show: perSecond,
			beside: ptr(m("BenchmarkVerify/rsa-floor", "ns/op")), besideWhat: "floor: the RS256 signature check alone"},
		{entry: "verify", what: "SSO token verifications, both cores", metric: m("BenchmarkVerify/parallel", "ns/op"), show: perSecond,
			beside: ptr(m("BenchmarkVerify/serial", "ns/op")), besideWhat: "one core"},
		{entry: "throughput", what: "bot `help`, 16 conversations at once: activities/s", metric: m(tput, "activities/s"), show: as("/s"),
			beside: ptr(m(tpEcho, "activities/s")), besideWhat: "no-op echo bot (ceiling)"},
		{entry: "throughput", what: "… p50 latency", metric: m(tput, "p50-ms"), show: as("ms"),
			beside: ptr(m(tpEcho, "p50-ms")), besideWhat: "echo"},
		{entry: "throughput", what: "… p99 latency", metric: m(tput, "p99-ms"), show: as("ms"),
			beside: ptr(m(tpEcho, "p99-ms")), besideWhat: "echo"},
		{entry: "failures", what: "failures in the last 24 h, 10 environments × 100 flows, cold cache, 40 ms upstream", metric: m("BenchmarkFailures24h", "median-ms"), show: as("ms"),
			beside: ptr(m("BenchmarkFailures24h", "bound-ms")), besideWhat: "lower bound: slow calls ÷ 4 × 40 ms", ratio: ptr(m("BenchmarkFailures24h", "x-bound"))},
		{entry: "failures", what: "… upstream calls per query", metric: m("BenchmarkFailures24h", "calls/op"), show: as("calls")},
		{entry: "scale", what: "dashboard first render from the snapshot, 10 environments × 1,000 flows, 300 ms upstream (time to the snapshot line)",
			metric: m("BenchmarkDashboardAtScale/first-render", "first-render-ms"), show: as("ms")},
		{entry: "scale", what: "… full live refresh, cold caches, 32 calls in flight", metric: m("BenchmarkDashboardAtScale/refresh", "refresh-ms"), show: as("ms"),
			beside: ptr(m("BenchmarkDashboardAtScale/refresh", "bound-ms")), besideWhat: "lower bound: calls ÷ 32 in flight × 300 ms",
			ratio: ptr(m("BenchmarkDashboardAtScale/refresh", "x-bound"))},
		{entry: "scale", what: "… upstream calls per listed flow in 5 minutes, tab opened every 10 s", metric: m("BenchmarkDashboardAtScale/budget", "calls/flow/5min"), show: as("calls")},
		{entry: "share", what: "… the same with every flow watched by the monitor (its cycle every 5 minutes): upstream calls per listed flow in 5 minutes",
			metric: m("BenchmarkTabAndMonitorBudget/tab+monitor", "calls/flow/5min"), show: as("calls"),
			beside: ptr(m("BenchmarkTabAndMonitorBudget/tab", "calls/flow/5min")), besideWhat: "the tab alone, same run"},
		{entry: "share", what: "… the tab and the default subscription (the flows the user owns)", metric: m("BenchmarkTabAndMonitorBudget/tab+mine", "calls/flow/5min"), show: as("calls")},
		{entry: "obo", what: "OBO calls for 200 concurrent cold-cache requests of one user", metric: m("BenchmarkOBOConcurrent", "obo/op"), show: as("calls")},
		{entry: "obo", what: "… time per round of 200", metric: m("BenchmarkOBOConcurrent", "ns/op"), show: millis},
		{entry: "compose", what: "message extension search (`composeExtension/query` through the bot endpoint), 1,000 flows, 40 ms upstream, within the overview cache: p95", metric: m("BenchmarkComposeSearch1000Flows/warm", "p95-ms"), show: as("ms"),
			beside: ptr(m("BenchmarkComposeSearch1000Flows/cold", "p95-ms")), besideWhat: "first query, cold cache (every environment's flows read)"},
		{entry: "compose", what: "… overview cache cold (TTL passed, or another replica), the user's flows snapshot in the store: p95", metric: m("BenchmarkComposeSearch1000Flows/cold-snapshot", "p95-ms"), show: as("ms"),
			beside: ptr(m("BenchmarkComposeSearch1000Flows/warm", "p95-ms")), besideWhat: "warm cache, same run"},
		{entry: "compose", what: "… failed-runs search, cold overview cache, the user's 7-day dashboard snapshot in the store: p95", metric: m("BenchmarkComposeSearch1000Flows/failed-snapshot", "p95-ms"), show: as("ms")},
		{entry: "compose", what: "… approvals search, always live (1 environments call + 10 approval lists, 4 in flight per user): p95", metric: m("BenchmarkComposeSearch1000Flows/approvals-cold", "p95-ms"), show: as("ms")},
		{entry: "tab", what: "tab API `GET /api/flows`, 1,002 flows, first page, warm cache (server time)", metric: m("BenchmarkTabFlows/default", "ns/op"), show: millis},
		{entry: "healthz", what: "`GET /healthz` through the whole middleware chain", metric: m("BenchmarkHealthz", "ns/op"), show: micros,
			beside: ptr(m("BenchmarkBareEcho", "ns/op")), besideWhat: "bare Echo, no-op handler"},
		{entry: "render", what: "tab dashboard first render, 1,000 flows, headless Chromium", metric: m("BenchmarkBrowserDashboardFirstRender", "ms/first-render"), show: as("ms")},
		{entry: "monitor", what: "monitor cycle, 1,000 users × 50 watched flows, 40 ms upstream, SQLite", metric: m(cycle, "ns/op"), show: seconds},
		{entry: "monitor", what: "… upstream calls per watched flow", metric: m(cycle, "calls/flow"), show: as("calls")},
		{entry: "cache", what: "memory per user: 3 cached tokens (10,000 users)", metric: m("BenchmarkCacheMemoryPerUser", "total-B/user"), show: as("B"),
			beside: ptr(m("BenchmarkCacheMemoryPerUser", "token-B/user")), besideWhat: "the token text alone"},
		{entry: "monitor", what: "memory per user: monitor, live heap after the cycle ÷ 1,000 (fakes and 50,000-flow tenant included)", metric: m(cycle, "heap-MB"),
			show: show{"KiB", func(mib float64) float64 { return mib * 1024 / 1000 }}},
		{entry: "process", what: "start to ready, whole process (`flowdeck serve` exec → 200 on /healthz, fresh SQLite store migrated)", metric: m("BenchmarkProcessStartToReady", "ns/op"), show: millis},
		{entry: "main", what: "start to ready, in process (`Main.Run`)", metric: m("BenchmarkMainStartToReady", "ns/op"), show: millis},
		{entry: "process", what: "… idle resident memory after start", metric: m("BenchmarkProcessStartToReady", "idle-RSS-MiB"), show: as("MiB")},
	}
	return entries, rows
}

// filter keeps the rows whose label or benchmark matches re, and the
// entries they need, in their order.
func filter(entries []entry, rows []row, re *regexp.Regexp) ([]entry, []row) {
	var keptRows []row
	var ids []string
	for _, r := range rows {
		if re.MatchString(r.what) || re.MatchString(r.metric.bench) {
			keptRows = append(keptRows, r)
			ids = append(ids, r.entry)
		}
	}
	var kept []entry
	for _, e := range entries {
		if slices.Contains(ids, e.id) {
			kept = append(kept, e)
		}
	}
	return kept, keptRows
}
