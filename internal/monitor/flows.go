package monitor

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// sharedWindow is how far back a cycle reads a flow's failed runs at least:
// the window of the tab's dashboard and the bot's failed, so that a read of
// either, made less than a minute before, answers the cycle, and the cycle's
// read answers theirs (one call, the first page, either way).
const sharedWindow = 24 * time.Hour

// sharedFresh is how old a read of the user's other queries may be to answer
// the cycle (the overview's default Fresh); never half the period or more,
// so that the cycle's own last read does not answer the next cycle.
const sharedFresh = time.Minute

// sharedAge is the age of the reads that may answer a cycle.
func (m *Monitor) sharedAge() time.Duration { return min(sharedFresh, m.o.Interval/2) }

// targetFlow is a flow as one target watches it: through its most specific
// subscription (a flow's before its environment's before all flows').
type targetFlow struct {
	t   *target
	sub flowdeck.Subscription
	// since is where this target's window of failed runs starts; watched
	// is when the target started watching the flow (its oldest covering
	// subscription): runs that ended before are not news.
	since   time.Time
	watched time.Time
	muted   bool
}

// rank is how specifically s covers f: -1 not at all, 0 all flows (or,
// for the default subscription, the flows the user owns), 1 its
// environment, 2 the flow itself. An approvals-only subscription covers none.
func rank(s flowdeck.Subscription, f flowdeck.Flow) int {
	switch {
	case s.Target == flowdeck.WatchAll:
		return 0
	case s.Target == flowdeck.WatchMine:
		if f.OwnerID != "" && strings.EqualFold(f.OwnerID, s.UserID) {
			return 0
		}
		return -1
	case s.Target == flowdeck.WatchApprovals:
		return -1
	case !strings.EqualFold(s.EnvironmentID, f.EnvironmentID):
		return -1
	case s.Target == flowdeck.WatchEnvironment:
		return 1
	case s.Target == flowdeck.WatchFlow && strings.EqualFold(s.FlowID, f.ID):
		return 2
	}
	return -1
}

// cover returns how t watches f, or nil when it does not.
func (c *cycle) cover(t *target, f flowdeck.Flow) *targetFlow {
	best, bestRank := -1, -1
	since, watched := c.now, c.now
	for i, s := range t.subs {
		r := rank(s, f)
		if r < 0 {
			continue
		}
		since = minTime(since, s.Watermark.Add(-c.m.o.Lookback))
		watched = minTime(watched, s.CreatedAt)
		if r > bestRank {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return nil
	}
	s := t.subs[best]
	return &targetFlow{t: t, sub: s, since: maxTime(since, c.now.Add(-maxCatchUp)), watched: watched, muted: s.MutedUntil.After(c.now)}
}

// flowFailures is one flow's failures of the day, for the digest.
type flowFailures struct {
	f      flowdeck.Flow
	count  int
	latest flowdeck.Run
}

// flow reads the flow's failed runs since since (or sharedWindow back, if
// that is earlier: one call, or none when the user's other queries just read
// them) when query is set, and brings every target's record of it up to date.
func (c *cycle) flow(f flowdeck.Flow, since time.Time, query bool, ts []*targetFlow) error {
	var page flowdeck.RunPage
	if query {
		var err error
		page, err = c.m.o.Source.FailedRuns(c.ctx, f.EnvironmentID, f.ID, minTime(since, c.now.Add(-sharedWindow)), c.m.sharedAge())
		if errors.Is(err, flowdeck.ErrNotFound) {
			return nil // deleted, or no longer shared with the user
		}
		if err != nil {
			return err
		}
	}
	if c.day != "" && f.State == flowdeck.FlowStarted {
		c.collect(f, page)
	}
	calls := &flowCalls{c: c, f: f}
	for _, tf := range ts {
		if err := c.watch(tf, f, page, calls); err != nil {
			return err
		}
	}
	return nil
}

// collect adds the flow's failures of the last 24 hours to the digest.
func (c *cycle) collect(f flowdeck.Flow, page flowdeck.RunPage) {
	ff := flowFailures{f: f}
	from := c.now.Add(-24 * time.Hour)
	for _, r := range page.Runs {
		if !r.StartTime.Before(from) {
			if ff.count == 0 {
				ff.latest = r
			}
			ff.count++
		}
	}
	if ff.count > 0 {
		c.mu.Lock()
		c.digest = append(c.digest, ff)
		c.mu.Unlock()
	}
}

// watch updates one target's record of f: a state notice when the flow was
// turned off or suspended, a failure card for new failed runs (or the open
// card's count), an in-place update at most every UpdateEvery, "recovered"
// at the first success, and an idle notice.
func (c *cycle) watch(tf *targetFlow, f flowdeck.Flow, page flowdeck.RunPage, calls *flowCalls) error {
	m, conv := c.m, tf.t.conv
	rec, cs, err := m.loadRecord(c.ctx, f, conv)
	if err != nil {
		return err
	}
	var fresh []flowdeck.Run // newest first, like the page
	for _, r := range page.Runs {
		if !r.StartTime.Before(tf.since) && !ended(r).Before(tf.watched) && !rec.seen(r.ID) {
			fresh = append(fresh, r)
		}
	}
	keepFrom := tf.since
	if page.Next != "" && len(page.Runs) > 0 {
		keepFrom = maxTime(keepFrom, page.Runs[len(page.Runs)-1].StartTime)
	}
	changed := len(fresh) > 0 || f.State != rec.State
	envName := c.envNames[strings.ToLower(f.EnvironmentID)]
	if tf.muted {
		rec.State = f.State
		rec.see(fresh, keepFrom)
		return c.save(cs, rec, changed)
	}
	if f.State != rec.State && (tf.sub.Target != flowdeck.WatchMine || f.State == flowdeck.FlowSuspended) {
		if err := c.stateNotice(tf, f, rec.State, envName); err != nil {
			return err
		}
	}
	rec.State = f.State
	ep := rec.Episode
	if len(fresh) > 0 {
		newest, oldest := fresh[0], fresh[len(fresh)-1]
		if !ep.open() {
			act, err := calls.failedAction(newest)
			if err != nil {
				return err
			}
			key := eventKey("alert", conv, f, oldest.ID)
			al := cards.Alert{Flow: f, EnvironmentName: envName, Run: newest, FailedAction: act, Count: len(fresh), Since: oldest.StartTime}
			id, _, err := m.once(c.ctx, "alert", key, conv, tf.sub.ID, len(fresh), func(ctx context.Context) (string, error) {
				return m.o.Poster.PostAlert(ctx, conv, al)
			})
			if err != nil {
				return ignoreInFlight(err)
			}
			ep = &episode{Key: key, ActivityID: id, Since: oldest.StartTime, Count: len(fresh), Latest: newest, Action: act, UpdatedAt: c.now}
			rec.Episode = ep
		} else {
			ep.Count += len(fresh)
			if newest.StartTime.After(ep.Latest.StartTime) {
				ep.Latest, ep.Action = newest, flowdeck.Action{}
			}
			ep.Dirty = true
		}
		rec.see(fresh, keepFrom)
	}
	if ep.open() {
		switch {
		case ep.Dirty && c.now.Sub(ep.UpdatedAt) >= m.o.UpdateEvery:
			if err := c.update(conv, ep, f, envName, time.Time{}); err != nil {
				return err
			}
			ep.Dirty, ep.UpdatedAt, changed = false, c.now, true
		case len(fresh) == 0:
			ok, at, err := calls.recoveredAfter(ep.Latest.StartTime)
			if err != nil {
				return err
			}
			if ok {
				if err := c.update(conv, ep, f, envName, at); err != nil {
					return err
				}
				ep.RecoveredAt, ep.Dirty, ep.UpdatedAt, changed = at, false, c.now, true
			}
		}
	} else if len(fresh) == 0 && m.o.IdleDays > 0 && f.State == flowdeck.FlowStarted && tf.sub.Target != flowdeck.WatchMine && c.now.Sub(rec.IdleCheckedAt) >= 24*time.Hour {
		idle, err := c.idle(tf, f, &rec, calls, envName)
		if err != nil {
			return err
		}
		changed = changed || idle
	}
	return c.save(cs, rec, changed)
}

// save stores the record when it changed. A conflict means another replica
// worked on the same flow at the same time; its record stands.
func (c *cycle) save(cs flowdeck.CardState, rec flowRecord, changed bool) error {
	if !changed {
		return nil
	}
	err := c.m.saveRecord(c.ctx, cs, rec)
	if errors.Is(err, flowdeck.ErrConflict) {
		c.m.log.LogAttrs(c.ctx, slog.LevelWarn, "monitor: a flow record changed under this replica; keeping the other write")
		return nil
	}
	return err
}

// update replaces the episode's card in place, as it is now or recovered at at.
func (c *cycle) update(conv flowdeck.ConversationRef, ep *episode, f flowdeck.Flow, envName string, at time.Time) error {
	kind := "update"
	if !at.IsZero() {
		kind = "recovered"
	}
	err := c.m.o.Poster.UpdateAlert(c.ctx, conv, ep.ActivityID, ep.alert(f, envName), at)
	if err != nil {
		c.m.countNote(kind, "failed")
		return err
	}
	c.m.countNote(kind, "sent")
	return nil
}

// stateNotice tells that the flow was turned off or suspended, once per
// change. A flow first seen already off is told about only when it changed
// after the subscription was made.
func (c *cycle) stateNotice(tf *targetFlow, f flowdeck.Flow, before, envName string) error {
	kind := ""
	at := f.ModifiedAt
	switch f.State {
	case flowdeck.FlowStopped:
		kind = cards.NoticeOff
	case flowdeck.FlowSuspended:
		kind = cards.NoticeSuspended
		if !f.SuspendedAt.IsZero() {
			at = f.SuspendedAt
		}
	default:
		return nil
	}
	if before == "" && !at.After(tf.sub.CreatedAt) {
		return nil
	}
	conv := tf.t.conv
	key := eventKey("notice", conv, f, kind+":"+strconv.FormatInt(at.Unix(), 10))
	return ignoreInFlight(c.notice(tf, key, cards.FlowNotice{Kind: kind, Flow: f, EnvironmentName: envName}))
}

// idle looks up the flow's latest run, at most daily, and tells once per
// latest run when the flow has not run for IdleDays days.
func (c *cycle) idle(tf *targetFlow, f flowdeck.Flow, rec *flowRecord, calls *flowCalls, envName string) (bool, error) {
	latest, ok, err := calls.latestRun()
	if err != nil || !ok {
		return false, err
	}
	rec.IdleCheckedAt = c.now
	cutoff := c.now.AddDate(0, 0, -c.m.o.IdleDays)
	last, runKey := latest.StartTime, latest.ID
	if runKey == "" {
		runKey = "never"
		if f.CreatedAt.IsZero() || f.CreatedAt.After(cutoff) {
			return true, nil
		}
	} else if !last.Before(cutoff) {
		return true, nil
	}
	if rec.IdleRun == runKey {
		return true, nil
	}
	n := cards.FlowNotice{Kind: cards.NoticeIdle, Flow: f, EnvironmentName: envName, LastRun: last, Days: c.m.o.IdleDays}
	if err := c.notice(tf, eventKey("idle", tf.t.conv, f, runKey), n); err != nil {
		return true, ignoreInFlight(err)
	}
	rec.IdleRun = runKey
	return true, nil
}

// notice sends the flow notice n to the target once, under key.
func (c *cycle) notice(tf *targetFlow, key string, n cards.FlowNotice) error {
	conv := tf.t.conv
	_, _, err := c.m.once(c.ctx, "notice", key, conv, tf.sub.ID, 1, func(ctx context.Context) (string, error) {
		return c.m.o.Poster.Send(ctx, conv, cards.FlowNoticeCard(n, cards.AlertOptions{Tab: c.m.o.TabLink, Portal: c.m.o.Portal}))
	})
	return err
}

// eventKey is the notification key of an event of flow f in conv:
// "<kind>:<conversation>:<environment>:<flow>:<event>".
func eventKey(kind string, conv flowdeck.ConversationRef, f flowdeck.Flow, event string) string {
	return kind + ":" + conv.ConversationID + ":" + strings.ToLower(f.EnvironmentID) + ":" + strings.ToLower(f.ID) + ":" + event
}

// ignoreInFlight drops errInFlight: another worker is on it, and the next
// cycle sees its outcome.
func ignoreInFlight(err error) error {
	if errors.Is(err, errInFlight) {
		return nil
	}
	return err
}

// ended is when a run ended (its start while it has no end).
func ended(r flowdeck.Run) time.Time {
	if r.EndTime.IsZero() {
		return r.StartTime
	}
	return r.EndTime
}
