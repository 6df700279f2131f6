package cardaction

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// UpdateAlert replaces the alert card activityID in conv, in place: with the
// alert as it is now (a higher count, a newer latest run) or, when
// recoveredAt is set, with the "recovered" card. The card's state is stored
// under the key of al's run, so that its buttons, which now name that run,
// are accepted.
func (rt *Router) UpdateAlert(ctx context.Context, conv flowdeck.ConversationRef, activityID string, al cards.Alert, recoveredAt time.Time) error {
	if conv.ConversationID == "" || conv.ServiceURL == "" || activityID == "" {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "cardaction: the alert to update has no conversation, service URL or activity id")
	}
	c := cards.AlertCard(al, rt.alertOptions())
	if !recoveredAt.IsZero() {
		c = cards.AlertRecovered(al, recoveredAt, rt.alertOptions())
	}
	u := cardUpdate{key: "alert", tenantID: conv.TenantID, serviceURL: conv.ServiceURL, conversationID: conv.ConversationID,
		activityID: activityID, activity: message(c)}
	if err := rt.updates.now(ctx, u); err != nil {
		return err
	}
	d := newCardData(conv)
	d.Alert = &al
	return rt.record(ctx, conv, AlertKey(al.Flow.EnvironmentID, al.Flow.ID, al.Run.ID), KindAlert, activityID, d)
}

// Send posts a card that carries no actions FlowDeck must recognise later
// (digest, notices, sign-in requests) to conv and returns the activity id.
func (rt *Router) Send(ctx context.Context, conv flowdeck.ConversationRef, c *cards.AdaptiveCard) (string, error) {
	if conv.ConversationID == "" || conv.ServiceURL == "" {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "cardaction: the conversation reference has no conversation id or service URL")
	}
	return rt.o.Connector.SendToConversation(botframework.WithTenant(ctx, conv.TenantID), conv.ServiceURL, conv.ConversationID, message(c))
}

// record stores the CardState of key in conv for activity id, replacing the
// card recorded there before.
func (rt *Router) record(ctx context.Context, conv flowdeck.ConversationRef, key, kind, id string, d cardData) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return flowdeck.Wrap(flowdeck.ErrInternal, err, "cardaction: encode the card state")
	}
	cs := flowdeck.CardState{Key: key, TenantID: conv.TenantID, ConversationID: conv.ConversationID, ActivityID: id, Kind: kind, Data: raw}
	_, err = rt.o.Cards.PutCard(ctx, cs)
	if errors.Is(err, flowdeck.ErrConflict) {
		// The same card was posted here before: this one replaces it.
		var old flowdeck.CardState
		if old, err = rt.o.Cards.GetCard(ctx, key, conv.ConversationID); err == nil {
			cs.Version = old.Version
			_, err = rt.o.Cards.PutCard(ctx, cs)
		}
	}
	return err
}
