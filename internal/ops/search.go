package ops

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// What Search looks for.
const (
	SearchFlows     = "flows"
	SearchFailed    = "failed"
	SearchApprovals = "approvals"
)

// Search bounds.
const (
	// MaxSearchResults is the most hits one search returns.
	MaxSearchResults = 25
	// MaxSearchText is the longest search text read, in bytes; the rest is ignored.
	MaxSearchText = 200
)

// SearchHit is one result of Search: a flow, a flow's latest failed run (with
// the action it failed at), or an approval waiting for the user.
type SearchHit struct {
	Kind     string
	Flow     flowdeck.Flow
	Run      flowdeck.Run
	Failed   *flowdeck.Action
	Approval flowdeck.Approval
	// Count is, for a failed run, how many runs of its flow failed in the window.
	Count int
}

// SearchResult is a page of hits and the environments that could not be read.
type SearchResult struct {
	Hits    []SearchHit
	Partial []Partial
}

// Search finds, across every environment, the user's flows, their recent
// failed runs (the last 7 days, one hit per flow: its latest failure) or the
// approvals waiting for their answer, whose name (or title) contains text
// (case-insensitive; "" matches all), best first: names that start with text
// before names that contain it, then newest. It pages with skip and count
// (count at most MaxSearchResults). Flows come from the overview (cached
// briefly), so typing in the compose box costs no upstream call per key, or
// when that cache is cold from the user's stored snapshot (refreshed in the
// background); failed runs from the user's 7-day dashboard snapshot; the
// approvals are asked live, so that they are current (search_snapshot.go).
func (s *Service) Search(ctx context.Context, kind, text string, skip, count int) (SearchResult, error) {
	if skip < 0 || count <= 0 || count > MaxSearchResults {
		return SearchResult{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Ask for 1 to %d results.", MaxSearchResults)
	}
	if len(text) > MaxSearchText {
		text = text[:MaxSearchText]
	}
	q := strings.ToLower(strings.TrimSpace(text))
	var hits []scoredHit
	var partial []Partial
	switch kind {
	case SearchFlows:
		rep, err := s.searchFlows(ctx)
		if err != nil {
			return SearchResult{}, err
		}
		for _, f := range rep.Flows {
			if r, ok := rank(f.DisplayName, q); ok {
				f.Link = s.portal.Flow(f)
				hits = append(hits, scoredHit{SearchHit{Kind: kind, Flow: f}, r, f.ModifiedAt})
			}
		}
		partial = rep.Partial
	case SearchFailed:
		d, err := s.searchFailures(ctx)
		if err != nil {
			return SearchResult{}, err
		}
		for _, ff := range d.Failing {
			if r, ok := rank(ff.Flow.DisplayName, q); ok && ff.Latest.ID != "" {
				hits = append(hits, scoredHit{SearchHit{Kind: kind, Flow: ff.Flow, Run: ff.Latest, Failed: ff.FailedAction, Count: ff.Count}, r, ff.Latest.StartTime})
			}
		}
		partial = d.Partial
	case SearchApprovals:
		rep, err := s.overview.PendingApprovals(ctx)
		if err != nil {
			return SearchResult{}, err
		}
		for _, a := range rep.Approvals {
			if r, ok := rank(a.Title, q); ok {
				hits = append(hits, scoredHit{SearchHit{Kind: kind, Approval: a}, r, a.CreatedAt})
			}
		}
		partial = rep.Partial
	default:
		return SearchResult{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Search flows, failed runs or approvals.")
	}
	slices.SortStableFunc(hits, func(a, b scoredHit) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), b.when.Compare(a.when))
	})
	out := SearchResult{Hits: []SearchHit{}, Partial: partial}
	for i := skip; i < len(hits) && len(out.Hits) < count; i++ {
		out.Hits = append(out.Hits, hits[i].SearchHit)
	}
	return out, nil
}

type scoredHit struct {
	SearchHit
	rank int
	when time.Time
}

// rank is 0 for a name that starts with q (or any name when q is empty), 1
// for one that contains it; ok is false when it does not match.
func rank(name, q string) (int, bool) {
	low := strings.ToLower(name)
	switch {
	case q == "" || strings.HasPrefix(low, q):
		return 0, true
	case strings.Contains(low, q):
		return 1, true
	}
	return 0, false
}
