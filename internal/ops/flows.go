package ops

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// FlowQuery filters, sorts and pages the flows of every environment.
type FlowQuery struct {
	// Environment keeps one environment (its id or display name); empty keeps all.
	Environment string
	// Text keeps flows whose name contains it (case-insensitive).
	Text string
	// State keeps "Started", "Stopped" or "Suspended" flows; "off" keeps both of the latter.
	State string
	// Owner keeps flows owned by this object id.
	Owner string
	// Whose keeps the caller's own flows (WhoseMine: they created them) or
	// the flows shared with them (WhoseShared: they can see them but someone
	// else created them); empty keeps both.
	Whose string
	// Person keeps flows whose owner's display name contains it
	// (case-insensitive, at most MaxPersonSearch characters); owners
	// FlowDeck cannot name match no search.
	Person string
	// Failing keeps flows with a failed run since FailingSince; when that is
	// zero, within Window (a key of Windows: "24h", the default, or "7d").
	Failing      bool
	FailingSince time.Time
	Window       string
	// Sort is "name" (default), "environment", "state", "modified" or "failures"; Desc reverses it.
	Sort string
	Desc bool
	// Offset and Limit page the answer (Limit 0 → 50, at most MaxPageSize).
	Offset, Limit int
	// Refresh asks the failures of the window live even when the user's
	// dashboard snapshot is fresh, at most once per Options.RefreshEvery (as
	// the dashboard's Refresh does).
	Refresh bool
	// Snapshot answers only from what is kept, asking Power Automate
	// nothing: the failures from the user's dashboard snapshot of the window
	// (at any age), the flows from the overview's cache or the user's flows
	// snapshot. Without them the answer is empty and not FromSnapshot.
	Snapshot bool
}

// The values of FlowQuery.Whose.
const (
	WhoseMine   = "mine"
	WhoseShared = "shared"
)

// MaxPersonSearch bounds FlowQuery.Person, in characters.
const MaxPersonSearch = 100

// FlowRow is one flow of a listing, with its failures when they were asked for.
type FlowRow struct {
	flowdeck.Flow
	EnvironmentName string `json:"environmentName"`
	Failures        int    `json:"failures,omitempty"`
}

// FlowList is a page of flows.
type FlowList struct {
	Items   []FlowRow `json:"items"`
	Total   int       `json:"total"`
	Partial []Partial `json:"partial,omitempty"`
	// AsOf is when the failures of the listing were gathered and
	// FromSnapshot says they were kept from an earlier query rather than
	// asked now: the AsOf and FromSnapshot of the user's dashboard of the
	// window, whose failures these are. For a Snapshot listing without
	// failures, AsOf is the flows snapshot's time (absent when the flows came
	// from the overview's short-lived cache). Both are absent when the
	// listing came from neither.
	AsOf         time.Time `json:"asOf,omitzero"`
	FromSnapshot bool      `json:"fromSnapshot,omitempty"`
}

func (q FlowQuery) validate() error {
	switch q.Sort {
	case "", "name", "environment", "state", "modified", "failures":
	default:
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Sort by name, environment, state, modified or failures.")
	}
	switch strings.ToLower(q.State) {
	case "", "started", "stopped", "suspended", "off":
	default:
		return flowdeck.Errorf(flowdeck.ErrInvalid, "State is Started, Stopped, Suspended or off.")
	}
	if q.Offset < 0 || q.Limit < 0 || q.Limit > MaxPageSize {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Pages hold at most %d flows.", MaxPageSize)
	}
	if _, ok := Windows[q.Window]; !ok && q.Window != "" {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "The window is 24h or 7d.")
	}
	if len(q.Text) > 200 {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Search for at most 200 characters.")
	}
	switch q.Whose {
	case "", WhoseMine, WhoseShared:
	default:
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Whose flows: mine or shared (with me).")
	}
	if utf8.RuneCountInString(q.Person) > MaxPersonSearch {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Search for a person with at most %d characters.", MaxPersonSearch)
	}
	return nil
}

// Flows lists the flows of every environment matching q; the flows of the
// page carry their owner's name (when it can be read) and portal link.
func (s *Service) Flows(ctx context.Context, q FlowQuery) (FlowList, error) {
	list, err := s.flowPage(ctx, q)
	if err == nil {
		s.decorateRows(ctx, list.Items)
	}
	return list, err
}

// flowPage is Flows without names and links.
func (s *Service) flowPage(ctx context.Context, q FlowQuery) (FlowList, error) {
	if err := q.validate(); err != nil {
		return FlowList{}, err
	}
	var me string
	if q.Whose != "" {
		p, err := principal(ctx)
		if err != nil {
			return FlowList{}, err
		}
		me = p.UserID
	}
	if q.Snapshot {
		return s.keptPage(ctx, q, me)
	}
	rep, err := s.allFlows(ctx)
	if err != nil {
		return FlowList{}, err
	}
	envs, err := s.overview.Environments(ctx)
	if err != nil {
		return FlowList{}, err
	}
	names := map[string]string{}
	for _, e := range envs {
		names[e.ID] = e.DisplayName
	}
	var (
		failures map[string]int
		d        Dashboard
	)
	if q.wantsFailures() {
		if failures, d, err = s.liveFailures(ctx, q); err != nil {
			return FlowList{}, err
		}
	}
	out := s.page(ctx, q, me, rep, names, failures)
	out.AsOf, out.FromSnapshot = d.AsOf, d.FromSnapshot
	return out, nil
}

// wantsFailures reports whether q needs each flow's failures.
func (q FlowQuery) wantsFailures() bool { return q.Failing || q.Sort == "failures" }

// page filters, sorts and pages the flows of rep by q; names are the
// environments' display names, failures the failures by env/flow id.
func (s *Service) page(ctx context.Context, q FlowQuery, me string, rep flowdeck.FlowsReport, names map[string]string, failures map[string]int) FlowList {
	text := strings.ToLower(strings.TrimSpace(q.Text))
	state := strings.ToLower(q.State)
	var rows []FlowRow
	for _, f := range rep.Flows {
		env := names[f.EnvironmentID]
		if q.Environment != "" && !strings.EqualFold(q.Environment, f.EnvironmentID) && !strings.EqualFold(q.Environment, env) {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(f.DisplayName), text) {
			continue
		}
		if state == "off" && f.State == flowdeck.FlowStarted || state != "" && state != "off" && !strings.EqualFold(state, f.State) {
			continue
		}
		if q.Owner != "" && !strings.EqualFold(q.Owner, f.OwnerID) {
			continue
		}
		if mine := f.OwnerID != "" && strings.EqualFold(f.OwnerID, me); q.Whose == WhoseMine && !mine || q.Whose == WhoseShared && mine {
			continue
		}
		n := failures[f.EnvironmentID+"/"+f.ID]
		if q.Failing && n == 0 {
			continue
		}
		rows = append(rows, FlowRow{Flow: f, EnvironmentName: env, Failures: n})
	}
	rows = s.byPerson(ctx, rows, q.Person)
	sortRows(rows, q.Sort, q.Desc)
	limit := cmp.Or(q.Limit, 50)
	out := FlowList{Total: len(rows), Partial: rep.Partial}
	if q.Offset < len(rows) {
		out.Items = rows[q.Offset:min(len(rows), q.Offset+limit)]
	}
	if out.Items == nil {
		out.Items = []FlowRow{}
	}
	return out
}

// byPerson keeps the rows whose owner's display name contains person
// (case-insensitive); it names the owners (cached names, one look-up for
// those not cached) and keeps the names on the rows it returns.
func (s *Service) byPerson(ctx context.Context, rows []FlowRow, person string) []FlowRow {
	person = strings.ToLower(strings.Join(strings.Fields(person), " "))
	if person == "" {
		return rows
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.OwnerName == "" && r.OwnerID != "" {
			ids = append(ids, r.OwnerID)
		}
	}
	slices.Sort(ids)
	names := s.names(ctx, slices.Compact(ids))
	kept := rows[:0]
	for _, r := range rows {
		if r.OwnerName == "" {
			r.OwnerName = names[strings.ToLower(r.OwnerID)]
		}
		if strings.Contains(strings.ToLower(r.OwnerName), person) {
			kept = append(kept, r)
		}
	}
	return kept
}

func sortRows(rows []FlowRow, by string, desc bool) {
	key := func(a, b FlowRow) int {
		switch by {
		case "environment":
			return cmp.Compare(strings.ToLower(a.EnvironmentName), strings.ToLower(b.EnvironmentName))
		case "state":
			return cmp.Compare(a.State, b.State)
		case "modified":
			return a.ModifiedAt.Compare(b.ModifiedAt)
		case "failures":
			return cmp.Compare(a.Failures, b.Failures)
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b FlowRow) int {
		c := key(a, b)
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), cmp.Compare(a.ID, b.ID))
	})
}

// FindFlows resolves what a user typed to flows: an exact id, else an exact
// name, else names starting with it, else names containing it (all
// case-insensitive), optionally within one environment (id or name). More than
// one answer means the caller must ask which; none is ErrNotFound.
func (s *Service) FindFlows(ctx context.Context, environment, text string) ([]FlowRow, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "Say which flow: its name or part of it.")
	}
	all, err := s.everyFlow(ctx, environment)
	if err != nil {
		return nil, err
	}
	low := strings.ToLower(text)
	for _, match := range []func(FlowRow) bool{
		func(f FlowRow) bool { return strings.EqualFold(f.ID, text) },
		func(f FlowRow) bool { return strings.ToLower(f.DisplayName) == low },
		func(f FlowRow) bool { return strings.HasPrefix(strings.ToLower(f.DisplayName), low) },
		func(f FlowRow) bool { return strings.Contains(strings.ToLower(f.DisplayName), low) },
	} {
		var found []FlowRow
		for _, f := range all {
			if match(f) {
				found = append(found, f)
			}
		}
		if len(found) > 0 {
			s.decorateRows(ctx, found)
			return found, nil
		}
	}
	return nil, flowdeck.Errorf(flowdeck.ErrNotFound, "No flow matches %q. Say 'flows' to list them.", flowdeck.Clip(text, 60))
}

// everyFlow returns every flow of every environment (or of one).
func (s *Service) everyFlow(ctx context.Context, environment string) ([]FlowRow, error) {
	list, err := s.flowPage(ctx, FlowQuery{Environment: environment, Limit: MaxPageSize})
	if err != nil {
		return nil, err
	}
	all := list.Items
	for off := len(all); off < list.Total; off += MaxPageSize {
		more, err := s.flowPage(ctx, FlowQuery{Environment: environment, Offset: off, Limit: MaxPageSize})
		if err != nil {
			return nil, err
		}
		all = append(all, more.Items...)
	}
	return all, nil
}

// Flow returns one flow, with its owner's name and portal link.
func (s *Service) Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error) {
	f, err := s.flows.Flow(ctx, env, flowID)
	if err != nil {
		return f, err
	}
	return s.decorateFlow(ctx, f), nil
}

// SetFlowState turns a flow on or off and returns it as it is now.
func (s *Service) SetFlowState(ctx context.Context, env, flowID string, on bool) (flowdeck.Flow, error) {
	var err error
	if on {
		err = s.flows.TurnOn(ctx, env, flowID)
	} else {
		err = s.flows.TurnOff(ctx, env, flowID)
	}
	if err != nil {
		return flowdeck.Flow{}, err
	}
	s.overview.Forget(ctx)
	return s.Flow(ctx, env, flowID)
}
