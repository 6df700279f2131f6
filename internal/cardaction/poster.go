package cardaction

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Card kinds recorded in CardState.Kind.
const (
	KindApproval = "approval"
	KindAlert    = "alert"
)

// ApprovalKey is the CardState key of an approval's cards.
func ApprovalKey(environmentID, approvalID string) string {
	return "approval:" + strings.ToLower(environmentID) + ":" + strings.ToLower(approvalID)
}

// AlertKey is the CardState key of the alert cards of one failed run.
func AlertKey(environmentID, flowID, runID string) string {
	return "alert:" + strings.ToLower(environmentID) + ":" + strings.ToLower(flowID) + ":" + runID
}

// cardData is CardState.Data: where the card lives and what it shows.
type cardData struct {
	ServiceURL string `json:"serviceUrl"`
	Scope      string `json:"scope,omitempty"`
	// Owner is the user of a personal conversation.
	Owner string `json:"owner,omitempty"`
	// UserIDs are the MRIs in the card's refresh.userIds.
	UserIDs  []string           `json:"userIds,omitempty"`
	Approval *flowdeck.Approval `json:"approval,omitempty"`
	Alert    *cards.Alert       `json:"alert,omitempty"`
	Outcome  *outcome           `json:"outcome,omitempty"`
}

// outcome is a stored cards.Outcome (its error as code and message).
type outcome struct {
	Verb     string          `json:"verb"`
	By       flowdeck.Person `json:"by"`
	At       time.Time       `json:"at"`
	NewRunID string          `json:"newRunId,omitempty"`
	Until    time.Time       `json:"until,omitzero"`
}

func (o *outcome) card() cards.Outcome {
	return cards.Outcome{Verb: o.Verb, By: o.By, At: o.At, NewRunID: o.NewRunID, Until: o.Until}
}

// viewer is whom the shared card in this conversation is for: the owner of
// a personal chat, nobody in a group.
func (d cardData) viewer() string {
	if d.Scope == flowdeck.ScopePersonal {
		return d.Owner
	}
	return ""
}

func newCardData(conv flowdeck.ConversationRef) cardData {
	d := cardData{ServiceURL: conv.ServiceURL, Scope: conv.Scope}
	if conv.Scope == flowdeck.ScopePersonal {
		d.Owner = conv.UserID
	}
	return d
}

func message(c *cards.AdaptiveCard) *schema.Activity {
	return &schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{{ContentType: cards.ContentType, Content: c}}}
}

// PostApproval sends a's card to conv and records its CardState, so that
// actions on it are accepted and it is updated in place. userIDs are the MRIs
// (29:…) to put in refresh.userIds (at most 60; nil lets Teams refresh for
// everyone in conversations of up to 60 members). When the card went out but
// could not be recorded, the activity id comes back with the error.
func (rt *Router) PostApproval(ctx context.Context, conv flowdeck.ConversationRef, a flowdeck.Approval, userIDs []string) (string, error) {
	if len(userIDs) > cards.MaxRefreshUsers {
		userIDs = userIDs[:cards.MaxRefreshUsers]
	}
	d := newCardData(conv)
	d.UserIDs, d.Approval = userIDs, &a
	c := cards.Approval(a, cards.ApprovalOptions{ViewerID: d.viewer(), UserIDs: userIDs, Tab: rt.o.TabLink, Portal: rt.o.Portal})
	return rt.post(ctx, conv, ApprovalKey(a.EnvironmentID, a.ID), KindApproval, c, d)
}

// PostAlert sends the failure alert card of al to conv and records its
// CardState (key AlertKey of the alert's run).
func (rt *Router) PostAlert(ctx context.Context, conv flowdeck.ConversationRef, al cards.Alert) (string, error) {
	d := newCardData(conv)
	d.Alert = &al
	c := cards.AlertCard(al, cards.AlertOptions{Tab: rt.o.TabLink, Portal: rt.o.Portal})
	return rt.post(ctx, conv, AlertKey(al.Flow.EnvironmentID, al.Flow.ID, al.Run.ID), KindAlert, c, d)
}

func (rt *Router) post(ctx context.Context, conv flowdeck.ConversationRef, key, kind string, c *cards.AdaptiveCard, d cardData) (string, error) {
	if conv.ConversationID == "" || conv.ServiceURL == "" {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "cardaction: the conversation reference has no conversation id or service URL")
	}
	id, err := rt.o.Connector.SendToConversation(botframework.WithTenant(ctx, conv.TenantID), conv.ServiceURL, conv.ConversationID, message(c))
	if err != nil {
		return "", err
	}
	return id, rt.record(ctx, conv, key, kind, id, d)
}

// cardOf returns the card the action came from: the CardState of key in the
// invoker's conversation whose activity is the one the invoke replies to. A
// card that is not there, or is in another user's personal chat, is refused.
func (rt *Router) cardOf(in *invocation, key string) (flowdeck.CardState, cardData, error) {
	cs, err := rt.o.Cards.GetCard(in.ctx, key, in.conv)
	if errors.Is(err, flowdeck.ErrNotFound) || (err == nil && (in.replyTo == "" || cs.ActivityID != in.replyTo)) {
		return cs, cardData{}, invalid("FlowDeck does not know this card here; it may have been replaced by a newer one.")
	}
	if err != nil {
		return cs, cardData{}, err
	}
	var d cardData
	if err := json.Unmarshal(cs.Data, &d); err != nil {
		return cs, cardData{}, flowdeck.Wrap(flowdeck.ErrInternal, err, "cardaction: the card state is unreadable")
	}
	if d.Scope == flowdeck.ScopePersonal && d.Owner != "" && d.Owner != in.p.UserID {
		return cs, cardData{}, flowdeck.Errorf(flowdeck.ErrForbidden, "This card belongs to someone else's chat.")
	}
	return cs, d, nil
}
