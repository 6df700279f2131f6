package cardaction

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// updateEverywhere replaces the card of key in every conversation that keep
// accepts (nil: all): change updates its stored data, which is stored at
// once (so the next click sees it), and render's card is sent to the Bot
// Connector in the background. The invoker's answer waits for none of the
// updates.
func (rt *Router) updateEverywhere(ctx context.Context, key string, keep func(cardData) bool, change func(*cardData), render func(cardData) *cards.AdaptiveCard) {
	ctx = context.WithoutCancel(ctx)
	list, err := rt.o.Cards.ListCards(ctx, key)
	if err != nil {
		rt.log.LogAttrs(ctx, slog.LevelError, "cardaction: list cards", slog.String("key", key), slog.Any("err", err))
		return
	}
	for _, cs := range list {
		var d cardData
		if json.Unmarshal(cs.Data, &d) != nil || (keep != nil && !keep(d)) {
			continue
		}
		change(&d)
		if raw, err := json.Marshal(d); err == nil {
			cs.Data = raw
			if _, err := rt.o.Cards.PutCard(ctx, cs); err != nil && !errors.Is(err, flowdeck.ErrConflict) {
				rt.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: store card", slog.String("key", key), slog.Any("err", err))
			}
		}
		rt.updates.submit(ctx, cardUpdate{key: key, tenantID: cs.TenantID, serviceURL: d.ServiceURL,
			conversationID: cs.ConversationID, activityID: cs.ActivityID, activity: message(render(d))})
	}
}

// cardUpdate is one card to replace in place.
type cardUpdate struct {
	key, tenantID, serviceURL, conversationID, activityID string
	activity                                              *schema.Activity
	seq                                                   uint64
}

// updater runs the card updates in the background: at most MaxUpdates at
// once, at most MaxPendingUpdates waiting, each within UpdateTimeout.
type updater struct {
	conn    Connector
	log     *slog.Logger
	metrics *Metrics
	timeout time.Duration
	workers chan struct{}

	base   context.Context // cancelled when Close gives up
	cancel context.CancelFunc

	// Updates of one card (conversation and activity) go out in order:
	// each takes the card's number; one superseded before it is sent is
	// skipped, and a lock per card keeps two from crossing on the wire.
	seqMu sync.Mutex
	seq   map[string]uint64
	locks [64]sync.Mutex

	mu         sync.Mutex
	closed     bool
	pending    int
	maxPending int
	wg         sync.WaitGroup
}

func newUpdater(o Options, log *slog.Logger) *updater {
	base, cancel := context.WithCancel(context.Background())
	return &updater{conn: o.Connector, log: log, metrics: o.Metrics, timeout: o.UpdateTimeout,
		workers: make(chan struct{}, o.MaxUpdates), base: base, cancel: cancel, maxPending: o.MaxPendingUpdates,
		seq: map[string]uint64{}}
}

// submit starts u, or drops it when shutting down or too many are waiting.
func (up *updater) submit(ctx context.Context, u cardUpdate) {
	up.mu.Lock()
	if up.closed || up.pending >= up.maxPending {
		up.mu.Unlock()
		up.metrics.count(updateDropped)
		up.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: card update dropped", slog.String("key", u.key),
			slog.String("conversation_id", u.conversationID), slog.Bool("shutting_down", up.closed))
		return
	}
	up.pending++
	up.wg.Add(1)
	up.mu.Unlock()
	u.seq = up.next(u.card())
	go func() {
		defer up.wg.Done()
		defer func() {
			up.mu.Lock()
			up.pending--
			up.mu.Unlock()
		}()
		up.run(ctx, u)
	}()
}

// run waits for a worker and sends u, within the timeout.
func (up *updater) run(ctx context.Context, u cardUpdate) {
	ctx, cancel := context.WithTimeout(ctx, up.timeout)
	defer cancel()
	stop := context.AfterFunc(up.base, cancel)
	defer stop()
	select {
	case up.workers <- struct{}{}:
	case <-ctx.Done():
		up.metrics.count(updateDropped)
		up.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: card update dropped: no worker in time", slog.String("key", u.key),
			slog.String("conversation_id", u.conversationID))
		return
	}
	defer func() { <-up.workers }()
	sent, err := up.send(ctx, u)
	if !sent {
		up.metrics.count(updateDropped)
		up.log.LogAttrs(ctx, slog.LevelDebug, "cardaction: card update superseded", slog.String("key", u.key),
			slog.String("conversation_id", u.conversationID))
		return
	}
	if err != nil {
		up.metrics.count(updateFailed)
		up.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: update card", slog.String("key", u.key),
			slog.String("conversation_id", u.conversationID), slog.Any("err", err))
		return
	}
	up.metrics.count(updateOK)
}

// card names the card u replaces.
func (u cardUpdate) card() string { return u.conversationID + "\x00" + u.activityID }

// next numbers a new update of card.
func (up *updater) next(card string) uint64 {
	up.seqMu.Lock()
	defer up.seqMu.Unlock()
	up.seq[card]++
	return up.seq[card]
}

// send sends u unless a newer update of its card was numbered since; sent
// is false when it was skipped.
func (up *updater) send(ctx context.Context, u cardUpdate) (sent bool, err error) {
	card := u.card()
	h := fnv.New32a()
	_, _ = h.Write([]byte(card))
	l := &up.locks[h.Sum32()%uint32(len(up.locks))]
	l.Lock()
	defer l.Unlock()
	up.seqMu.Lock()
	latest := up.seq[card]
	up.seqMu.Unlock()
	if latest != u.seq {
		return false, nil
	}
	_, err = up.conn.UpdateActivity(botframework.WithTenant(ctx, u.tenantID), u.serviceURL, u.conversationID, u.activityID, u.activity)
	up.seqMu.Lock()
	if up.seq[card] == u.seq {
		delete(up.seq, card)
	}
	up.seqMu.Unlock()
	return true, err
}

// now sends u at once (the caller waits), after any update of its card
// under way, and supersedes those not sent yet.
func (up *updater) now(ctx context.Context, u cardUpdate) error {
	u.seq = up.next(u.card())
	_, err := up.send(ctx, u)
	return err
}

// close refuses new updates and waits for those under way; when ctx ends
// first, it cancels them, waits for them to stop and returns ctx's error.
func (up *updater) close(ctx context.Context) error {
	up.mu.Lock()
	up.closed = true
	up.mu.Unlock()
	done := make(chan struct{})
	go func() { up.wg.Wait(); close(done) }()
	select {
	case <-done:
		up.cancel()
		return nil
	case <-ctx.Done():
		up.cancel()
		<-done
		return ctx.Err()
	}
}
