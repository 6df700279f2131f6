package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// kindMonitor is the CardState kind of the monitor's per-flow records.
const kindMonitor = "monitor"

// flowRecord is what the monitor remembers of one watched flow in one
// conversation. It lives in the card store (key recordKey, the target
// conversation), whose versions keep two writers from both winning.
type flowRecord struct {
	// State is the flow state last seen (Started, Stopped, Suspended).
	State string `json:"state,omitempty"`
	// Seen are the failed runs already counted, so that overlapping windows
	// count each run once.
	Seen []seenRun `json:"seen,omitempty"`
	// Episode is the failure card of the flow, open until it recovers.
	Episode *episode `json:"episode,omitempty"`
	// IdleCheckedAt is when the flow's latest run was last looked up; IdleRun
	// is the latest run ("never") an idle notice went out for.
	IdleCheckedAt time.Time `json:"idleCheckedAt,omitzero"`
	IdleRun       string    `json:"idleRun,omitempty"`
}

type seenRun struct {
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
}

// episode is one failure card: the failures since the first, shown on one
// card updated in place, until the flow succeeds again.
type episode struct {
	// Key is the card's notification key; ActivityID the posted card.
	Key        string          `json:"key"`
	ActivityID string          `json:"activityId"`
	Since      time.Time       `json:"since"`
	Count      int             `json:"count"`
	Latest     flowdeck.Run    `json:"latest"`
	Action     flowdeck.Action `json:"action,omitzero"`
	// UpdatedAt is when the card last changed; Dirty means the count moved since.
	UpdatedAt   time.Time `json:"updatedAt"`
	Dirty       bool      `json:"dirty,omitempty"`
	RecoveredAt time.Time `json:"recoveredAt,omitzero"`
}

// open reports whether the episode's card still shows a failing flow.
func (e *episode) open() bool { return e != nil && e.RecoveredAt.IsZero() }

func (e *episode) alert(f flowdeck.Flow, envName string) cards.Alert {
	return cards.Alert{Flow: f, EnvironmentName: envName, Run: e.Latest, FailedAction: e.Action, Count: e.Count, Since: e.Since}
}

// seen reports whether run id was counted before.
func (r *flowRecord) seen(id string) bool {
	return slices.ContainsFunc(r.Seen, func(s seenRun) bool { return s.ID == id })
}

// see counts runs, then forgets the runs that started before keepFrom: no
// later window reaches them.
func (r *flowRecord) see(runs []flowdeck.Run, keepFrom time.Time) {
	for _, run := range runs {
		r.Seen = append(r.Seen, seenRun{ID: run.ID, Start: run.StartTime})
	}
	r.Seen = slices.DeleteFunc(r.Seen, func(s seenRun) bool { return s.Start.Before(keepFrom) })
}

func recordKey(f flowdeck.Flow) string {
	return "monitor:" + strings.ToLower(f.EnvironmentID) + ":" + strings.ToLower(f.ID)
}

// loadRecord returns the flow's record in conv and its stored version (0: none yet).
func (m *Monitor) loadRecord(ctx context.Context, f flowdeck.Flow, conv flowdeck.ConversationRef) (flowRecord, flowdeck.CardState, error) {
	var rec flowRecord
	cs, err := m.o.Store.GetCard(ctx, recordKey(f), conv.ConversationID)
	if errors.Is(err, flowdeck.ErrNotFound) {
		return rec, flowdeck.CardState{Key: recordKey(f), TenantID: conv.TenantID, ConversationID: conv.ConversationID, Kind: kindMonitor}, nil
	}
	if err != nil {
		return rec, cs, err
	}
	if err := json.Unmarshal(cs.Data, &rec); err != nil {
		// An unreadable record is started afresh: at worst a failure is told again.
		return flowRecord{}, cs, nil
	}
	return rec, cs, nil
}

// saveRecord stores rec over version cs.Version. ErrConflict means another
// replica wrote the record meanwhile (leases overlapped); its write stands.
func (m *Monitor) saveRecord(ctx context.Context, cs flowdeck.CardState, rec flowRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return flowdeck.Wrap(flowdeck.ErrInternal, err, "monitor: encode a flow record")
	}
	cs.Data = raw
	_, err = m.o.Store.PutCard(ctx, cs)
	return err
}
