package monitor

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func digestKey(u *user, day string) string { return "digest:" + u.key + ":" + day }

// digestSent reports whether the user's digest of day went out already.
func (m *Monitor) digestSent(ctx context.Context, u *user, day string) bool {
	m.mu.Lock()
	done := m.digests[u.key] == day
	m.mu.Unlock()
	if done {
		return true
	}
	n, err := m.o.Store.GetNotification(ctx, digestKey(u, day))
	if err != nil || n.State != flowdeck.NotificationSent {
		return false // not yet, or under way: once decides
	}
	m.markDigest(u, day)
	return true
}

func (m *Monitor) markDigest(u *user, day string) {
	m.mu.Lock()
	m.digests[u.key] = day
	m.mu.Unlock()
}

// sendDigest sends the day's digest to the user's personal chat: failures of
// the last 24 hours per flow (from this cycle's failed-runs queries), the
// flows off or suspended, and how many approvals wait.
func (c *cycle) sendDigest(flows []flowdeck.Flow, approvals int) error {
	m, u := c.m, c.u
	conv, err := m.o.Store.PersonalConversation(c.ctx, u.p.TenantID, u.p.UserID)
	if errors.Is(err, flowdeck.ErrNotFound) {
		m.log.LogAttrs(c.ctx, slog.LevelWarn, "monitor: no personal chat for the digest")
		m.markDigest(u, c.day)
		return nil
	}
	if err != nil {
		return err
	}
	d := cards.Digest{Since: c.now.Add(-24 * time.Hour), Until: c.now, PendingApprovals: approvals}
	total := 0
	for _, ff := range c.digest {
		total += ff.count
		d.Failures = append(d.Failures, cards.FlowFailures{Flow: ff.f, EnvironmentName: c.envNames[strings.ToLower(ff.f.EnvironmentID)],
			Count: ff.count, Latest: ff.latest})
	}
	slices.SortFunc(d.Failures, func(a, b cards.FlowFailures) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Latest.StartTime.Compare(a.Latest.StartTime), cmp.Compare(a.Flow.ID, b.Flow.ID))
	})
	for _, f := range flows {
		if f.State != flowdeck.FlowStarted {
			d.Off = append(d.Off, f)
		}
	}
	_, _, err = m.once(c.ctx, "digest", digestKey(u, c.day), conv, "", total, func(ctx context.Context) (string, error) {
		return m.o.Poster.Send(ctx, conv, cards.DigestCard(d, cards.Links{Tab: m.o.TabLink, Portal: m.o.Portal}))
	})
	if err != nil {
		return ignoreInFlight(err)
	}
	m.markDigest(u, c.day)
	return nil
}
