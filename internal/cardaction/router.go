package cardaction

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// Ops is what the card actions need of *ops.Service. Every method runs as
// the principal in its context.
type Ops interface {
	Approval(ctx context.Context, env, id string) (flowdeck.Approval, error)
	Approvals(ctx context.Context, role string, active bool) (ops.ApprovalsReport, error)
	Respond(ctx context.Context, env, id, response, comments string) (flowdeck.Approval, error)
	Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error)
	SetFlowState(ctx context.Context, env, flowID string, on bool) (flowdeck.Flow, error)
	Run(ctx context.Context, env, flowID, runID string) (ops.RunDetail, error)
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (ops.RunPage, error)
	Resubmit(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	Cancel(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	ChooseDefault(ctx context.Context, choice string) (flowdeck.Subscription, error)
	SetDigestTime(ctx context.Context, hhmm string) (flowdeck.UserSettings, error)
}

// Tokens tells whether a user has a usable delegated token
// (*identity.Broker satisfies it). Its errors carry the sign-in or consent
// URL in Detail[flowdeck.DetailSignInURL] or Detail[flowdeck.DetailConsentURL] when known.
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

// Options configure a Router. Ops, Tokens, Connector, Cards, Idempotency and
// Subscriptions are required.
type Options struct {
	Ops           Ops
	Tokens        Tokens
	Connector     Connector
	Cards         flowdeck.CardStore
	Idempotency   flowdeck.NotificationLog
	Subscriptions flowdeck.SubscriptionStore
	// Commands re-runs chat commands for the pick and list.more buttons and
	// answers in a group privately (*bot.Bot); nil answers pick and
	// list.more as unknown and every other verb in place.
	Commands Commands
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
	// UpdateTimeout bounds one background update of a card in another
	// conversation, its wait for a free worker included; default 30 s.
	UpdateTimeout time.Duration
	// MaxUpdates is how many card updates run at once; default 8.
	MaxUpdates int
	// MaxPendingUpdates is how many card updates may wait for a worker;
	// more are dropped (and counted); default 1000.
	MaxPendingUpdates int
	// Metrics counts the background card updates; nil counts nothing.
	Metrics *Metrics
	// Logger receives one line per action and every failure; default discards.
	Logger *slog.Logger
}

// Router answers every Action.Execute of FlowDeck's cards from one table
// (table.go) and posts the proactive cards they live on (poster.go). It
// implements botframework.Handler for adaptiveCard/action invokes and is
// safe for concurrent use.
type Router struct {
	o        Options
	log      *slog.Logger
	mu       sync.Mutex
	inflight map[string]chan struct{}
	updates  *updater
}

var _ botframework.Handler = (*Router)(nil)

// New returns a Router. Missing ports are flowdeck.ErrMisconfigured.
func New(o Options) (*Router, error) {
	if o.Ops == nil || o.Tokens == nil || o.Connector == nil || o.Cards == nil || o.Idempotency == nil || o.Subscriptions == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "cardaction: Ops, Tokens, Connector, Cards, Idempotency and Subscriptions are required")
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
		o.UpdateTimeout = 30 * time.Second
	}
	if o.MaxUpdates <= 0 {
		o.MaxUpdates = 8
	}
	if o.MaxPendingUpdates <= 0 {
		o.MaxPendingUpdates = 1000
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Router{o: o, log: log, inflight: map[string]chan struct{}{}, updates: newUpdater(o, log)}, nil
}

// Close stops taking card updates and waits for those under way, or until
// ctx ends (then it abandons them and returns ctx's error).
func (rt *Router) Close(ctx context.Context) error { return rt.updates.close(ctx) }

// Owns reports whether verb is in the table.
func Owns(verb string) bool {
	_, ok := table[verb]
	return ok
}

// cardActionValue is the value of an adaptiveCard/action invoke.
type cardActionValue struct {
	Action struct {
		Verb string         `json:"verb"`
		Data map[string]any `json:"data"`
	} `json:"action"`
	Trigger        string `json:"trigger"`
	Authentication struct {
		Token string `json:"token"`
	} `json:"authentication"`
}

// OnActivity answers an adaptiveCard/action invoke (botframework.Handler):
// the verb's row of the table, or a safe error for anything else. The
// response is always HTTP 200 with the status in the body: the new card, a
// message, a loginRequest or an error.
func (rt *Router) OnActivity(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
	if a.Type != schema.Invoke || a.Name != botframework.InvokeAdaptiveCardAction {
		return nil, nil
	}
	var v cardActionValue
	if err := remarshal(a.Value, &v); err != nil || v.Action.Verb == "" {
		return botframework.CardErrorResponse(http.StatusBadRequest, "invalid", "That button sent nothing I understand."), nil
	}
	row, ok := table[v.Action.Verb]
	if !ok {
		rt.log.LogAttrs(ctx, slog.LevelInfo, "cardaction: unknown verb", slog.String("verb", flowdeck.Clip(v.Action.Verb, 64)))
		return botframework.CardErrorResponse(http.StatusBadRequest, "unknown_action", "This button no longer works. Type help to see what I can do."), nil
	}
	in, res := rt.invocation(ctx, a, v)
	if res != nil {
		return res, nil
	}
	start := rt.o.Now()
	out := row.run(rt, in)
	close(in.answered)
	rt.log.LogAttrs(in.ctx, slog.LevelInfo, "cardaction: card action",
		slog.String("verb", in.verb), slog.Bool("changes", row.changes), slog.String("tenant_id", in.p.TenantID),
		slog.String("user_id", in.p.UserID), slog.String("conversation_id", in.conv), slog.Bool("trigger", in.trigger != ""),
		slog.Duration("took", rt.o.Now().Sub(start)))
	return out, nil
}

// invocation is one card action being answered.
type invocation struct {
	ctx     context.Context
	a       *schema.Activity
	verb    string
	data    map[string]any
	p       flowdeck.Principal
	mri     string
	conv    string
	replyTo string
	trigger string
	// authToken is value.authentication.token, if any.
	authToken string
	// answered is closed once the invoke has its answer; background
	// updates of the invoke's own card wait for it.
	answered chan struct{}
}

// personal reports whether the action came from a personal chat.
func (in *invocation) personal() bool {
	return strings.EqualFold(in.a.Conversation.ConversationType, flowdeck.ScopePersonal)
}

// person is the invoker as cards name people.
func (in *invocation) person() flowdeck.Person {
	return flowdeck.Person{ID: in.p.UserID, Name: in.p.Name}
}

// invocation reads who acts where from the verified activity.
func (rt *Router) invocation(ctx context.Context, a *schema.Activity, v cardActionValue) (*invocation, *botframework.InvokeResponse) {
	c, ok := botframework.CallerFrom(ctx)
	if !ok {
		c = botframework.CallerOf(a)
	}
	if c.TenantID == "" || c.UserID == "" {
		return nil, errorCard(flowdeck.Errorf(flowdeck.ErrUnauthenticated, "FlowDeck cannot tell who pressed the button; sign in and try again."), nil)
	}
	p := flowdeck.Principal{TenantID: c.TenantID, UserID: c.UserID, Name: c.Name}
	in := &invocation{
		ctx: flowdeck.WithPrincipal(ctx, p), a: a, verb: v.Action.Verb, data: v.Action.Data, p: p, mri: c.UserMRI,
		conv: a.Conversation.ID, replyTo: a.ReplyToID, trigger: v.Trigger, authToken: v.Authentication.Token,
		answered: make(chan struct{}),
	}
	if in.conv == "" {
		in.conv = c.ConversationID
	}
	return in, nil
}

// remarshal copies the JSON shape of in into out.
func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
