package ops

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Defaults of Options.SnapshotFresh and Options.RefreshEvery. With them a
// user's dashboard asks Power Automate for each flow's runs at most once per
// 5 minutes however often the tab is opened, and at most once a minute when
// the user presses Refresh.
const (
	DefaultSnapshotFresh = 5 * time.Minute
	DefaultRefreshEvery  = time.Minute
)

// snapshotKind is the store's name of a window's dashboard.
func snapshotKind(window string) string { return "dashboard/" + window }

// DashboardSnapshot returns the user's latest dashboard of the window as it
// was kept (FromSnapshot set, AsOf its time), asking nothing upstream; ok is
// false when there is none.
func (s *Service) DashboardSnapshot(ctx context.Context, window string) (d Dashboard, ok bool, err error) {
	if _, err := windowLength(window); err != nil {
		return Dashboard{}, false, err
	}
	p, err := principal(ctx)
	if err != nil {
		return Dashboard{}, false, err
	}
	if s.snaps == nil {
		return Dashboard{}, false, nil
	}
	sn, err := s.snaps.GetSnapshot(ctx, p.TenantID, p.UserID, snapshotKind(window))
	if errors.Is(err, flowdeck.ErrNotFound) {
		return Dashboard{}, false, nil
	}
	if err != nil {
		return Dashboard{}, false, err
	}
	if err := json.Unmarshal(sn.Body, &d); err != nil || d.Window != window {
		return Dashboard{}, false, nil // an unreadable snapshot is as good as none
	}
	d.AsOf, d.FromSnapshot = sn.AsOf, true
	return d, true, nil
}

// DashboardLive returns the dashboard of the window: the user's snapshot when
// it is younger than Options.SnapshotFresh (or, with refresh, than
// Options.RefreshEvery) and complete, else a live answer, which it keeps as
// the new snapshot. The live answer reuses the flows' failed runs that the
// user's other queries (the monitor's cycle among them) read within the same
// bound, and its AsOf is when its oldest part was read. each, when set, gets the failing flows of a live answer
// as they arrive. The failure query is shared with the user's other queries
// (the bot's `failed`, the flows list) of the same moments.
func (s *Service) DashboardLive(ctx context.Context, window string, refresh bool, each func(FailingFlow)) (Dashboard, error) {
	snap, ok, err := s.DashboardSnapshot(ctx, window)
	if err != nil && !errors.Is(err, flowdeck.ErrUnavailable) {
		return Dashboard{}, err
	}
	fresh := s.fresh
	if refresh {
		fresh = min(fresh, s.refresh)
	}
	if ok && len(snap.Partial) == 0 {
		if age := s.now().Sub(snap.AsOf); age >= 0 && age < fresh {
			return snap, nil
		}
	}
	d, err := s.dashboard(ctx, window, fresh, each)
	if err != nil {
		return Dashboard{}, err
	}
	s.keep(ctx, d)
	return d, nil
}

// keep stores d as the user's snapshot; a store that fails only costs the
// next open its instant answer.
func (s *Service) keep(ctx context.Context, d Dashboard) {
	p, err := principal(ctx)
	if s.snaps == nil || err != nil {
		return
	}
	body, err := json.Marshal(d)
	if err != nil {
		return
	}
	_ = s.snaps.PutSnapshot(ctx, flowdeck.Snapshot{TenantID: p.TenantID, UserID: p.UserID, Kind: snapshotKind(d.Window), AsOf: d.AsOf, Body: body})
}
