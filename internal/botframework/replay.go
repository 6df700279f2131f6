package botframework

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Replay protection. A channel token is not bound to the activity it comes
// with: whoever captures a request can send it again for as long as its token
// is valid (an hour), and the channel itself retries a delivery it saw no
// answer to. The endpoint therefore acts on each activity — one
// (channel, conversation, activity id) — once: a repeat gets HTTP 200 and
// nothing is done. Each key is remembered in the store's ActivityLog until
// the token it came with (or one issued now) has expired, plus the clock
// skew, so a repeat that reaches another replica is caught too; a recent set
// in memory answers this replica's repeats without the store.
const (
	// replayTokenLife is how long a key is kept at least: a channel token's
	// lifetime, so a token captured after the activity cannot replay it.
	replayTokenLife = time.Hour
	// maxRecentActivities bounds each generation of the in-memory set; past
	// it, keys are left to the store.
	maxRecentActivities = 1 << 16
)

// repeatMessage is the text of the answer to a repeated adaptiveCard/action.
const repeatMessage = "That was done already."

// replayGuard tells the first delivery of an activity from a repeat.
type replayGuard struct {
	log flowdeck.ActivityLog // nil: this replica's memory only
	now func() time.Time

	mu         sync.Mutex
	cur, prev  map[string]time.Time // key → until when it is remembered
	rotatedAt  time.Time
	generation time.Duration
}

func newReplayGuard(log flowdeck.ActivityLog, now func() time.Time) *replayGuard {
	return &replayGuard{log: log, now: now, generation: replayTokenLife + ClockSkew}
}

// activityKey is the replay key of a; "" when a has no id to tell it by.
func activityKey(a *schema.Activity) string {
	if a.ID == "" || a.Conversation.ID == "" {
		return ""
	}
	return "activity:" + a.ChannelID + ":" + a.Conversation.ID + ":" + a.ID
}

// repeat reports whether a was handled before, and records it otherwise.
// tokenExpires is the expiry of a's verified channel token (zero if none).
// A store failure is returned: the activity is then neither handled nor
// recorded, and the channel's retry is a first delivery.
func (g *replayGuard) repeat(ctx context.Context, a *schema.Activity, tokenExpires time.Time) (bool, error) {
	key := activityKey(a)
	if key == "" {
		return false, nil
	}
	now := g.now()
	until := now.Add(replayTokenLife)
	if tokenExpires.After(until) {
		until = tokenExpires
	}
	until = until.Add(ClockSkew)
	if g.recent(key, now) {
		return true, nil
	}
	if g.log == nil {
		return !g.remember(key, until, now), nil
	}
	// The store decides: of two concurrent deliveries, the one whose claim
	// lost is the repeat, whichever of them reached the memory first.
	err := g.log.ClaimActivity(ctx, key, until)
	if err != nil && !errors.Is(err, flowdeck.ErrConflict) {
		return false, err
	}
	g.remember(key, until, now)
	return err != nil, nil
}

// recent reports whether key is in the in-memory set and not expired.
func (g *replayGuard) recent(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range []map[string]time.Time{g.cur, g.prev} {
		if until, ok := m[key]; ok && now.Before(until) {
			return true
		}
	}
	return false
}

// remember adds key to the in-memory set and reports whether it was new
// there (false: a concurrent delivery of the same key got there first). The
// set has two generations that turn over every token lifetime plus skew, so
// a key stays at least that long, unless a generation is full.
func (g *replayGuard) remember(key string, until, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cur == nil || now.Sub(g.rotatedAt) >= g.generation {
		g.prev, g.cur, g.rotatedAt = g.cur, make(map[string]time.Time), now
	}
	for _, m := range []map[string]time.Time{g.cur, g.prev} {
		if u, ok := m[key]; ok && now.Before(u) {
			return false
		}
	}
	if len(g.cur) < maxRecentActivities {
		g.cur[key] = until
	}
	return true
}

// answerRepeat acknowledges a repeated activity without acting on it: HTTP
// 200, with a short message for an adaptiveCard/action (Teams shows it
// under the card) and an empty body for anything else, as a first delivery
// of a message gets.
func (e *Endpoint) answerRepeat(ctx context.Context, w http.ResponseWriter, a *schema.Activity, c Caller) {
	e.log.LogAttrs(ctx, slog.LevelWarn, "botframework: repeated activity ignored",
		slog.String("activity_type", string(a.Type)), slog.String("activity_id", a.ID), slog.String("invoke", a.Name),
		slog.String("conversation_id", c.ConversationID), slog.String("tenant_id", c.TenantID), slog.String("user_id", c.UserID))
	if a.Type == schema.Invoke && a.Name == InvokeAdaptiveCardAction {
		writeJSON(w, http.StatusOK, MessageResponse(repeatMessage).Body)
		return
	}
	w.WriteHeader(http.StatusOK)
}
