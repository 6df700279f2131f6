package actions

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// Ops is what the actions need of *ops.Service. Every method runs as the
// principal in its context.
type Ops interface {
	Approval(ctx context.Context, env, id string) (flowdeck.Approval, error)
	Respond(ctx context.Context, env, id, response, comments string) (flowdeck.Approval, error)
	Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error)
	SetFlowState(ctx context.Context, env, flowID string, on bool) (flowdeck.Flow, error)
	Run(ctx context.Context, env, flowID, runID string) (ops.RunDetail, error)
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (ops.RunPage, error)
	Resubmit(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	Cancel(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
}

// Tokens tells whether a user has a usable delegated token
// (*identity.Broker satisfies it). Its errors carry the sign-in or consent
// URL in Detail["signin_url"] or Detail["consent_url"] when known.
type Tokens interface {
	Token(ctx context.Context, p flowdeck.Principal, audience string) (string, error)
}

// Connector posts and updates activities (*botframework.Client satisfies it).
type Connector interface {
	SendToConversation(ctx context.Context, serviceURL, conversationID string, a *schema.Activity) (string, error)
	UpdateActivity(ctx context.Context, serviceURL, conversationID, activityID string, a *schema.Activity) (string, error)
}

// SignInFunc verifies a Teams SSO token sent back in an invoke's
// value.authentication (after a loginRequest) and stores the user's delegated
// tokens: identity.Verifier then Broker.Exchange. It must reject a token that
// is not p's.
type SignInFunc func(ctx context.Context, p flowdeck.Principal, ssoToken string) error

// Options configure a Handler. Ops, Tokens, Connector, Cards, Idempotency and
// Subscriptions are required.
type Options struct {
	Ops           Ops
	Tokens        Tokens
	Connector     Connector
	Cards         flowdeck.CardStore
	Idempotency   flowdeck.NotificationLog
	Subscriptions flowdeck.SubscriptionStore
	// Audience is the token audience key the actions need; default "flow".
	Audience string
	// TabLink links cards to the personal tab; nil leaves the links out.
	TabLink cards.TabLink
	// Portal is the configured cloud's Power Automate portal, where the cards'
	// "Open in Power Automate" links point; zero leaves them out.
	Portal flowdeck.Portal
	// BotID is the bot's app id (the Entra client id).
	BotID string
	// AppIDURI is the Application ID URI; when set, loginRequests carry a
	// tokenExchangeResource so Teams signs in silently (SSO in the card).
	AppIDURI string
	// ConnectionName goes into loginRequests; default "sso".
	ConnectionName string
	// SignInURL returns the sign-in page for p when the token error carries
	// no URL (e.g. the consent flow's /auth/start). Optional.
	SignInURL func(p flowdeck.Principal) string
	// SignIn handles value.authentication; nil answers such invokes 412 so
	// the client falls back to its sign-in button.
	SignIn SignInFunc
	// ExplainPermission turns Power Platform's refusal for a missing
	// permission into the sentence naming it with the admin-consent link
	// (identity's Consent.ExplainMissingPermission); nil leaves errors as they are.
	ExplainPermission func(p flowdeck.Principal, err error) error
	// Now is the clock; default time.Now.
	Now func() time.Time
	// UpdateTimeout bounds the in-place updates of one action; default 5 s.
	UpdateTimeout time.Duration
	// Logger receives one line per action and every failure; default discards.
	Logger *slog.Logger
}

// Handler answers the approval.* and alert.* card actions. It is safe for
// concurrent use.
type Handler struct {
	o        Options
	log      *slog.Logger
	mu       sync.Mutex
	inflight map[string]chan struct{}
}

// New returns a Handler. Missing ports are flowdeck.ErrMisconfigured.
func New(o Options) (*Handler, error) {
	if o.Ops == nil || o.Tokens == nil || o.Connector == nil || o.Cards == nil || o.Idempotency == nil || o.Subscriptions == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "actions: Ops, Tokens, Connector, Cards, Idempotency and Subscriptions are required")
	}
	if o.Audience == "" {
		o.Audience = "flow"
	}
	if o.ConnectionName == "" {
		o.ConnectionName = "sso"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UpdateTimeout <= 0 {
		o.UpdateTimeout = 5 * time.Second
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Handler{o: o, log: log, inflight: map[string]chan struct{}{}}, nil
}

// Owns reports whether verb is one of the verbs OnCardAction answers.
func Owns(verb string) bool {
	switch verb {
	case cards.VerbApprovalRespond, cards.VerbApprovalRefresh,
		cards.VerbAlertResubmit, cards.VerbAlertCancel, cards.VerbAlertTurnOff, cards.VerbAlertMute:
		return true
	}
	return false
}

// OnCardAction answers an adaptiveCard/action invoke with verb and data (the
// action's data merged with the card's inputs). It returns false for verbs
// it does not own. The response is always HTTP 200 with the status in the
// body: the new card, a message, a loginRequest or an error.
func (h *Handler) OnCardAction(ctx context.Context, a *schema.Activity, verb string, data map[string]any) (*botframework.InvokeResponse, bool) {
	if !Owns(verb) {
		return nil, false
	}
	in, res := h.invocation(ctx, a, verb)
	if res != nil {
		return res, true
	}
	start := h.o.Now()
	var out *botframework.InvokeResponse
	switch verb {
	case cards.VerbApprovalRespond, cards.VerbApprovalRefresh:
		out = h.approval(in, data)
	default:
		out = h.alert(in, data)
	}
	h.log.LogAttrs(in.ctx, slog.LevelInfo, "actions: card action",
		slog.String("verb", verb), slog.String("tenant_id", in.p.TenantID), slog.String("user_id", in.p.UserID),
		slog.String("conversation_id", in.conv), slog.Bool("trigger", in.trigger != ""),
		slog.Duration("took", h.o.Now().Sub(start)))
	return out, true
}

// invocation is one card action being answered.
type invocation struct {
	ctx     context.Context
	verb    string
	p       flowdeck.Principal
	mri     string
	conv    string
	replyTo string
	trigger string
	// authToken is value.authentication.token, if any.
	authToken string
}

// person is the invoker as cards name people.
func (in *invocation) person() flowdeck.Person {
	return flowdeck.Person{ID: in.p.UserID, Name: in.p.Name}
}

// invocation reads who acts where from the verified activity.
func (h *Handler) invocation(ctx context.Context, a *schema.Activity, verb string) (*invocation, *botframework.InvokeResponse) {
	c, ok := botframework.CallerFrom(ctx)
	if !ok {
		c = botframework.CallerOf(a)
	}
	if c.TenantID == "" || c.UserID == "" {
		return nil, errorCard(flowdeck.Errorf(flowdeck.ErrUnauthenticated, "FlowDeck cannot tell who pressed the button; sign in and try again."), nil)
	}
	p := flowdeck.Principal{TenantID: c.TenantID, UserID: c.UserID, Name: c.Name}
	in := &invocation{
		ctx: flowdeck.WithPrincipal(ctx, p), verb: verb, p: p, mri: c.UserMRI,
		conv: a.Conversation.ID, replyTo: a.ReplyToID,
	}
	if in.conv == "" {
		in.conv = c.ConversationID
	}
	if a.Value != nil {
		in.trigger, _ = a.Value["trigger"].(string)
		if auth, ok := a.Value["authentication"].(map[string]any); ok {
			in.authToken, _ = auth["token"].(string)
		}
	}
	return in, nil
}
