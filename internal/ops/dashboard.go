package ops

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TrendBuckets is how many buckets a failure trend has.
const TrendBuckets = 12

// FailingFlow is one flow's failures in the dashboard's window.
type FailingFlow struct {
	Flow            flowdeck.Flow    `json:"flow"`
	EnvironmentName string           `json:"environmentName"`
	Count           int              `json:"count"`
	More            bool             `json:"more"`
	Latest          flowdeck.Run     `json:"latest"`
	FailedAction    *flowdeck.Action `json:"failedAction,omitempty"`
	// Trend counts failures in TrendBuckets equal slices of the window, oldest first.
	Trend []int `json:"trend"`
}

// Dashboard is everything the tab's first page shows at once.
type Dashboard struct {
	Window           string                `json:"window"`
	Since            time.Time             `json:"since"`
	Failing          []FailingFlow         `json:"failing"`
	Off              []flowdeck.Flow       `json:"off"`
	BrokenConnection []flowdeck.Connection `json:"brokenConnections"`
	PendingApprovals []flowdeck.Approval   `json:"pendingApprovals"`
	Partial          []Partial             `json:"partial,omitempty"`
	// AsOf is when the query that gathered this answer started; FromSnapshot
	// says it was kept from an earlier query (DashboardLive) rather than asked now.
	AsOf         time.Time `json:"asOf"`
	FromSnapshot bool      `json:"fromSnapshot"`
}

// Windows maps the dashboard windows to their length.
var Windows = map[string]time.Duration{"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour}

// Dashboard gathers failures in the window ("24h" or "7d"), flows off or
// suspended, broken connections and pending approvals, across environments;
// a snapshot younger than Options.SnapshotFresh answers instead (DashboardLive).
func (s *Service) Dashboard(ctx context.Context, window string) (Dashboard, error) {
	return s.DashboardLive(ctx, window, false, nil)
}

// windowLength validates a dashboard window.
func windowLength(window string) (time.Duration, error) {
	length, ok := Windows[window]
	if !ok {
		return 0, flowdeck.Errorf(flowdeck.ErrInvalid, "The window is 24h or 7d.")
	}
	return length, nil
}

// dashboard asks upstream now, reusing the user's reads of flows' failed runs
// younger than maxAge; each, when set, gets every failing flow as it
// arrives (without its failed action, which the answer adds).
func (s *Service) dashboard(ctx context.Context, window string, maxAge time.Duration, each func(FailingFlow)) (Dashboard, error) {
	length, err := windowLength(window)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.now()
	d := Dashboard{Window: window, Since: now.Add(-length), Failing: []FailingFlow{}, AsOf: now}
	envs, err := s.overview.Environments(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	names := map[string]string{}
	for _, e := range envs {
		names[e.ID] = e.DisplayName
	}
	// Connections and approvals are asked while the failures load, so the
	// answer takes about as long as its failures alone.
	var (
		wg          sync.WaitGroup
		conns       ConnectionsReport
		ap          ApprovalsReport
		connErr     error
		approvalErr error
	)
	wg.Go(func() { conns, connErr = s.Connections(ctx) })
	wg.Go(func() { ap, approvalErr = s.PendingApprovals(ctx) })
	defer wg.Wait()
	failing := func(ff flowdeck.FlowFailures) FailingFlow {
		trend := make([]int, TrendBuckets)
		for _, t := range ff.Starts {
			if i := int(t.Sub(d.Since) * TrendBuckets / length); i >= 0 && i < TrendBuckets {
				trend[i]++
			}
		}
		f, latest := ff.Flow, ff.Latest
		f.Link, latest.Link = s.portal.Flow(f), s.portal.Run(latest)
		return FailingFlow{Flow: f, EnvironmentName: names[ff.Flow.EnvironmentID], Count: ff.Count, More: ff.More,
			Latest: latest, FailedAction: ff.FailedAction, Trend: trend}
	}
	var arrived func(flowdeck.FlowFailures)
	if each != nil {
		arrived = func(ff flowdeck.FlowFailures) { each(failing(ff)) }
	}
	fr, err := s.overview.FailuresWithin(ctx, d.Since, maxAge, arrived)
	if err != nil {
		return Dashboard{}, err
	}
	if fr.AsOf.Before(d.AsOf) {
		d.AsOf = fr.AsOf
	}
	for _, ff := range fr.Flows {
		d.Failing = append(d.Failing, failing(ff))
	}
	off, err := s.overview.FlowsOff(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d.Off = slices.Clone(off.Flows)
	for i := range d.Off {
		d.Off[i].Link = s.portal.Flow(d.Off[i])
	}
	wg.Wait()
	if err := cmp.Or(connErr, approvalErr); err != nil {
		return Dashboard{}, err
	}
	for _, c := range conns.Connections {
		if c.Status != flowdeck.ConnectionConnected {
			d.BrokenConnection = append(d.BrokenConnection, c)
		}
	}
	d.PendingApprovals = ap.Approvals
	d.Partial = mergePartial(fr.Partial, off.Partial, conns.Partial, ap.Partial)
	return d, nil
}

func mergePartial(lists ...[]Partial) []Partial {
	seen := map[string]bool{}
	var out []Partial
	for _, l := range lists {
		for _, p := range l {
			if !seen[p.EnvironmentID] {
				seen[p.EnvironmentID] = true
				out = append(out, p)
			}
		}
	}
	return out
}
