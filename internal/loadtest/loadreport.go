package loadtest

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// loadKind is a kind of traffic the load test measures.
type loadKind string

// The kinds, in report order.
const (
	// kindCommand is a message: from the post to the bot's 2xx.
	kindCommand loadKind = "command"
	// kindReply is a message's answer: from the post to the reply recorded
	// at the fake Bot Connector.
	kindReply loadKind = "reply"
	// kindCard is an adaptiveCard/action invoke, answered in its response.
	kindCard loadKind = "card action"
	// kindTab is a tab API call.
	kindTab loadKind = "tab"
)

var loadKinds = []loadKind{kindCommand, kindReply, kindCard, kindTab}

// loadSeries are the latencies and errors of one operation.
type loadSeries struct {
	took   []time.Duration
	errors int
}

// Result is what a run measured. Its methods are safe for concurrent use.
type Result struct {
	users   int
	o       loadOptions
	Elapsed time.Duration // the acting phase, without the drain

	mu         sync.Mutex
	series     map[loadKind]map[string]*loadSeries
	problems   map[string]int // "kind op: problem" → count
	lost       int
	lostConvs  []string
	unexpected int
}

func newLoadResult(users int, o loadOptions) *Result {
	return &Result{users: users, o: o, series: map[loadKind]map[string]*loadSeries{}, problems: map[string]int{}}
}

// add records one operation of kind k; problem is "" when it succeeded.
func (r *Result) add(k loadKind, op string, took time.Duration, problem string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byOp := r.series[k]
	if byOp == nil {
		byOp = map[string]*loadSeries{}
		r.series[k] = byOp
	}
	s := byOp[op]
	if s == nil {
		s = &loadSeries{}
		byOp[op] = s
	}
	s.took = append(s.took, took)
	if problem != "" {
		s.errors++
		r.problems[fmt.Sprintf("%s %s: %s", k, op, problem)]++
	}
}

// addLost records n replies missing from conv.
func (r *Result) addLost(conv string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lost += n
	r.lostConvs = append(r.lostConvs, conv)
}

// addUnexpected records a bot message that answers nothing sent.
func (r *Result) addUnexpected() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unexpected++
}

// Count is how many operations of kind k ran.
func (r *Result) Count(k loadKind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.series[k] {
		n += len(s.took)
	}
	return n
}

// Errors is how many operations failed, replies included.
func (r *Result) Errors() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.problems {
		n += c
	}
	return n
}

// Lost is how many accepted messages got no reply.
func (r *Result) Lost() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lost
}

// Failed reports an error, a lost reply or an unexpected reply.
func (r *Result) Failed() bool {
	r.mu.Lock()
	unexpected := r.unexpected
	r.mu.Unlock()
	return r.Errors() > 0 || r.Lost() > 0 || unexpected > 0
}

// quantile returns the q-quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// row writes one line of the latency table.
func row(w io.Writer, name string, took []time.Duration, errors int) {
	slices.Sort(took)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", name, len(took), errors,
		ms(quantile(took, 0.50)), ms(quantile(took, 0.95)), ms(quantile(took, 0.99)), ms(quantile(took, 1)))
}

// Write prints the report: per kind and operation the count, errors and
// latency quantiles, the throughput, the replies and the problems.
func (r *Result) Write(w io.Writer, store string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.o.Mix
	if m == (loadMix{}) {
		m = defaultLoadMix
	}
	fmt.Fprintf(w, "flowdeck bench load: %d users for %s, think %s (uniform ±50 %%), mix %d/%d/%d (commands/card actions/tab calls), seed %d, store %s\n\n",
		r.users, r.o.Duration, r.o.Think, m.Command, m.Card, m.Tab, r.o.Seed, store)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "kind / operation\tcount\terrors\tp50\tp95\tp99\tmax\t\n")
	var all []time.Duration
	allErrors, requests := 0, map[loadKind]int{}
	for _, k := range loadKinds {
		var took []time.Duration
		errors := 0
		for _, op := range slices.Sorted(maps.Keys(r.series[k])) {
			s := r.series[k][op]
			took, errors = append(took, s.took...), errors+s.errors
		}
		row(tw, string(k), took, errors)
		for _, op := range slices.Sorted(maps.Keys(r.series[k])) {
			s := r.series[k][op]
			row(tw, "  "+op, slices.Clone(s.took), s.errors)
		}
		requests[k] = len(took)
		if k != kindReply {
			all, allErrors = append(all, took...), allErrors+errors
		}
	}
	row(tw, "all requests", all, allErrors)
	tw.Flush()

	secs := r.Elapsed.Seconds()
	activities := requests[kindCommand] + requests[kindCard]
	fmt.Fprintf(w, "\nthroughput: %.1f activities/s (messages and invokes), %.1f requests/s with the tab calls, over %s\n",
		float64(activities)/secs, float64(activities+requests[kindTab])/secs, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "replies: %d expected, %d received; lost replies: %d; unexpected replies: %d\n",
		requests[kindCommand]-r.commandErrors(), requests[kindReply], r.lost, r.unexpected)
	if len(r.lostConvs) > 0 {
		fmt.Fprintf(w, "  lost in: %s\n", strings.Join(r.lostConvs[:min(len(r.lostConvs), 5)], ", "))
	}
	total := 0
	for _, c := range r.problems {
		total += c
	}
	fmt.Fprintf(w, "errors: %d\n", total)
	keys := slices.SortedFunc(maps.Keys(r.problems), func(a, b string) int {
		return cmp.Or(cmp.Compare(r.problems[b], r.problems[a]), strings.Compare(a, b))
	})
	for i, p := range keys {
		if i == 20 {
			fmt.Fprintf(w, "  … and %d more kinds of error\n", len(keys)-20)
			break
		}
		fmt.Fprintf(w, "  %6d  %s\n", r.problems[p], p)
	}
	if total > 0 || r.lost > 0 || r.unexpected > 0 {
		fmt.Fprintln(w, "FAIL")
	} else {
		fmt.Fprintln(w, "PASS")
	}
}

// commandErrors is how many messages FlowDeck did not accept. r.mu is held.
func (r *Result) commandErrors() int {
	n := 0
	for _, s := range r.series[kindCommand] {
		n += s.errors
	}
	return n
}
