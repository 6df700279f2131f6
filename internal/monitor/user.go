package monitor

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// flowsInFlight is how many of one user's flows are worked on at once; the
// upstream transport's per-user limit applies underneath.
const flowsInFlight = 4

// runUser runs the user's cycle when it is due, or their digest when its
// time has come, and records the outcome.
func (m *Monitor) runUser(ctx context.Context, u *user, now time.Time) {
	if u.paused {
		if m.resume(ctx, u.p) {
			m.log.LogAttrs(ctx, slog.LevelInfo, "monitor: user signed in again; subscriptions resumed")
		}
		return
	}
	if m.deferred(u, now) {
		return
	}
	due := len(u.subs) > 0 && !now.Before(m.dueAt(u))
	if !due && !u.digest {
		return
	}
	st := u.settings
	if !u.digest {
		var err error
		if st, err = m.o.Store.GetSettings(ctx, u.p.TenantID, u.p.UserID); err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			m.log.LogAttrs(ctx, slog.LevelError, "monitor: read settings", slog.Any("err", err))
			return
		}
	}
	local := now.In(location(st))
	day := ""
	if u.digest {
		if day = digestDay(st, local); day != "" && m.digestSent(ctx, u, day) {
			day = ""
		}
	}
	if due && quiet(st, local) {
		due = false // held: the watermarks stay, so the next cycle after the quiet hours catches up
	}
	if !due && day == "" {
		return
	}
	c := &cycle{m: m, u: u, now: now, ctx: flowdeck.WithPrincipal(ctx, u.p), day: day}
	err := c.run(due)
	switch {
	case err == nil && c.partial:
		m.countCycle("partial")
		m.deferUser(u, now.Add(2*m.o.Tick))
	case err == nil:
		m.countCycle("ok")
	case tokenDead(err):
		m.countCycle("signin")
		m.SignInNeeded(ctx, u.p)
	case flowdeck.KindOf(err) == flowdeck.ErrThrottled:
		m.countCycle("throttled")
		m.deferUser(u, now.Add(m.retryAfter(err)))
	default:
		m.countCycle("failed")
		if !errors.Is(err, context.Canceled) {
			m.log.LogAttrs(ctx, slog.LevelWarn, "monitor: user cycle failed", slog.String("code", flowdeck.Code(err)), slog.Any("err", err))
		}
		m.deferUser(u, now.Add(m.retryAfter(err)))
	}
}

// cycle is one user's cycle.
type cycle struct {
	m   *Monitor
	u   *user
	now time.Time
	ctx context.Context
	// day is the local date whose digest is due ("" when none).
	day string
	// partial is set when part of the cycle could not be done; the
	// watermarks then stay where they are.
	partial  bool
	envNames map[string]string

	mu sync.Mutex
	// digest collects, on a digest cycle, each flow's failures of the day.
	digest []flowFailures
}

// target is one conversation the user's subscriptions deliver to.
type target struct {
	conv flowdeck.ConversationRef
	subs []flowdeck.Subscription
	// personal is the user's own chat (approvals go there only).
	personal bool
}

func (c *cycle) run(due bool) error {
	m := c.m
	rep, err := m.o.Source.AllFlows(c.ctx)
	if err != nil {
		return err
	}
	if len(rep.Partial) > 0 {
		c.partial = true
	}
	c.envNames = map[string]string{}
	if envs, err := m.o.Source.Environments(c.ctx); err == nil {
		for _, e := range envs {
			c.envNames[strings.ToLower(e.ID)] = e.DisplayName
		}
	}
	var targets []*target
	if due {
		if targets, err = c.targets(); err != nil {
			return err
		}
	}
	type job struct {
		f     flowdeck.Flow
		since time.Time
		ts    []*targetFlow
		query bool
	}
	var jobs []job
	for _, f := range rep.Flows {
		j := job{f: f, since: c.now}
		for _, t := range targets {
			if tf := c.cover(t, f); tf != nil {
				j.ts = append(j.ts, tf)
				j.since = minTime(j.since, tf.since)
			}
		}
		started := f.State == flowdeck.FlowStarted
		j.query = started && len(j.ts) > 0
		if c.day != "" && started {
			j.query = true
			j.since = minTime(j.since, c.now.Add(-24*time.Hour))
		}
		if j.query || len(j.ts) > 0 {
			j.since = maxTime(j.since, c.now.Add(-maxCatchUp))
			jobs = append(jobs, j)
		}
	}
	sem := make(chan struct{}, flowsInFlight)
	var (
		wg    sync.WaitGroup
		emu   sync.Mutex
		first error
	)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := c.flow(j.f, j.since, j.query, j.ts); err != nil {
				emu.Lock()
				first = worse(first, err)
				emu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	var pending []flowdeck.Approval
	needApprovals := c.day != ""
	for _, t := range targets {
		needApprovals = needApprovals || t.personal
	}
	if needApprovals {
		ar, err := m.o.Source.PendingApprovals(c.ctx)
		if err != nil {
			return err
		}
		if len(ar.Partial) > 0 {
			c.partial = true
		}
		pending = ar.Approvals
		for _, t := range targets {
			if t.personal {
				if err := c.approvals(t, pending); err != nil {
					return err
				}
			}
		}
	}
	if c.day != "" {
		if err := c.sendDigest(rep.Flows, len(pending)); err != nil {
			return err
		}
	}
	if !c.partial {
		c.advance(targets)
	}
	return nil
}

// worse returns the error to act on of two: the first, unless the second needs the user.
func worse(first, err error) error {
	if first == nil || (tokenDead(err) && !tokenDead(first)) {
		return err
	}
	return first
}

// targets groups the user's subscriptions by conversation and looks up
// each conversation. A conversation FlowDeck cannot reach (the bot is not
// installed there) is left out, and the cycle is partial so that its
// subscriptions keep their watermarks.
func (c *cycle) targets() ([]*target, error) {
	byConv := map[string]*target{}
	var out []*target
	for _, s := range c.u.subs {
		t := byConv[s.ConversationID]
		if t == nil {
			t = &target{personal: s.ConversationID == ""}
			var err error
			if t.personal {
				t.conv, err = c.m.o.Store.PersonalConversation(c.ctx, s.TenantID, s.UserID)
			} else {
				t.conv, err = c.m.o.Store.GetConversation(c.ctx, s.TenantID, s.ConversationID)
			}
			switch {
			case errors.Is(err, flowdeck.ErrNotFound):
				c.partial = true
				c.m.log.LogAttrs(c.ctx, slog.LevelWarn, "monitor: no conversation to deliver to; install the bot there", slog.String("subscription", s.ID))
				t = &target{} // remembered as unreachable
			case err != nil:
				return nil, err
			default:
				out = append(out, t)
			}
			byConv[s.ConversationID] = t
		}
		if t.conv.ConversationID != "" {
			t.subs = append(t.subs, s)
		}
	}
	return out, nil
}

// advance moves the watermarks of the delivered subscriptions to the
// cycle's start. A watermark another replica moved meanwhile is left alone.
func (c *cycle) advance(targets []*target) {
	for _, t := range targets {
		for _, s := range t.subs {
			if !c.now.After(s.Watermark) {
				continue
			}
			err := c.m.o.Store.AdvanceWatermark(c.ctx, s.ID, s.Watermark, c.now)
			if err != nil && !errors.Is(err, flowdeck.ErrConflict) && !errors.Is(err, flowdeck.ErrNotFound) {
				c.m.log.LogAttrs(c.ctx, slog.LevelError, "monitor: advance watermark", slog.Any("err", err))
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
