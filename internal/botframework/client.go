package botframework

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// TokenSource hands out the bot's app-only token for the Bot Connector
// (scope https://api.botframework.com/.default). *identity.AppTokenSource
// satisfies it.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// ClientOptions configure a Client.
type ClientOptions struct {
	// TokenSource gives the bearer token of the calls. Required. A token
	// that is a JWT is reused until 5 minutes before its exp, or until the
	// connector answers 401; any other token is asked for on every call.
	TokenSource TokenSource
	// HTTPClient makes the calls; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Clock is what rate limits and backoff wait on; default the wall clock.
	Clock Clock
	// Limits are the per-conversation send limits; nil means TeamsSendLimits.
	// An empty non-nil slice turns them off.
	Limits []Window
	// TenantLimits are the per-tenant limits of every call (the tenant
	// comes from WithTenant or the activity being handled); nil means
	// TeamsTenantLimits. An empty non-nil slice turns them off.
	TenantLimits []Window
	// LimitMargin is added to the period of every limit, so that calls
	// still arrive spaced after network jitter; default DefaultLimitMargin,
	// negative for none.
	LimitMargin time.Duration
	// MaxConversations bounds the per-conversation (and per-tenant)
	// limiters kept (least recently used evicted first); default 10000.
	MaxConversations int
	// MaxRetries is how often a call answered 429, 412, 502 or 504 is
	// retried; default 3. Negative means never.
	MaxRetries int
	// BaseBackoff is the first retry delay, doubled per retry, ±20% jitter;
	// default 2 s. MaxBackoff caps it; default 20 s.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxRetryAfter is the longest Retry-After honoured by waiting; a longer
	// one ends the call with ErrThrottled at once. Default 60 s.
	MaxRetryAfter time.Duration
	// MaxMessageBytes is the UTF-16 size an outbound activity must stay
	// under; default DefaultMaxMessageBytes.
	MaxMessageBytes int
	// MaxRequestsPerHost bounds the calls in flight to one connector host
	// (the first call to a host goes alone); default DefaultMaxRequestsPerHost.
	MaxRequestsPerHost int
	// Logger receives retries and failures (never a token); default discards.
	Logger *slog.Logger
	// ServiceURLHosts, when not empty, are the only hosts the client sends
	// the bot's token to (cloud.Cloud.BotServiceURLHosts): a call to any
	// other serviceUrl fails with ErrInvalid before a token is fetched.
	ServiceURLHosts []string
}

// Client calls the Bot Connector REST API (v3) of the conversations' serviceUrl.
// It is safe for concurrent use.
type Client struct {
	ts       *tokenMemo
	hc       *http.Client
	clock    Clock
	limits   *limiter
	retries  int
	backoff  retry.Backoff
	maxRA    time.Duration
	maxBytes int
	gate     *hostGate
	log      *slog.Logger
	hosts    serviceURLHosts
}

// NewClient returns a connector client. Bad options are flowdeck.ErrMisconfigured.
func NewClient(o ClientOptions) (*Client, error) {
	if o.TokenSource == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "botframework: the connector client needs a token source")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Limits == nil {
		o.Limits = TeamsSendLimits
	}
	if o.TenantLimits == nil {
		o.TenantLimits = TeamsTenantLimits
	}
	switch {
	case o.LimitMargin == 0:
		o.LimitMargin = DefaultLimitMargin
	case o.LimitMargin < 0:
		o.LimitMargin = 0
	}
	if o.MaxConversations <= 0 {
		o.MaxConversations = 10000
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 3
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = time.Minute
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if o.MaxRequestsPerHost <= 0 {
		o.MaxRequestsPerHost = DefaultMaxRequestsPerHost
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Client{gate: &hostGate{max: o.MaxRequestsPerHost},
		ts: &tokenMemo{ts: o.TokenSource, clock: o.Clock}, hc: o.HTTPClient, clock: o.Clock,
		limits:  newLimiter(o.Limits, o.TenantLimits, o.LimitMargin, o.Clock, o.MaxConversations),
		retries: o.MaxRetries, maxRA: o.MaxRetryAfter,
		backoff:  retry.Backoff{Base: o.BaseBackoff, Max: o.MaxBackoff, Low: 0.8, High: 1.2},
		maxBytes: o.MaxMessageBytes, log: o.Logger, hosts: newServiceURLHosts(o.ServiceURLHosts),
	}, nil
}

// SendToConversation posts a (type "message" when unset) to the
// conversation and returns the new activity's id.
func (c *Client) SendToConversation(ctx context.Context, serviceURL, conversationID string, a *schema.Activity) (string, error) {
	return c.post(ctx, "SendToConversation", serviceURL, conversationID, "", a)
}

// ReplyToActivity posts a as a reply to activityID (a thread reply in a
// channel; a plain message elsewhere) and returns the new activity's id.
func (c *Client) ReplyToActivity(ctx context.Context, serviceURL, conversationID, activityID string, a *schema.Activity) (string, error) {
	cp := *a
	cp.ReplyToID = activityID
	return c.post(ctx, "ReplyToActivity", serviceURL, conversationID, activityID, &cp)
}

// UpdateActivity replaces activity activityID (e.g. a card, for everyone)
// with a and returns the id the connector answers.
func (c *Client) UpdateActivity(ctx context.Context, serviceURL, conversationID, activityID string, a *schema.Activity) (string, error) {
	if err := c.checkHost(serviceURL); err != nil {
		return "", err
	}
	cp := *a
	cp.ID = activityID
	body, err := c.encode(&cp)
	if err != nil {
		return "", err
	}
	var out schema.ResourceResponse
	err = c.do(ctx, call{op: "UpdateActivity", method: http.MethodPut, serviceURL: serviceURL,
		path: []string{"conversations", conversationID, "activities", activityID}, conv: threadOf(conversationID), body: body, out: &out})
	return out.ID, err
}

// DeleteActivity deletes activity activityID.
func (c *Client) DeleteActivity(ctx context.Context, serviceURL, conversationID, activityID string) error {
	if err := c.checkHost(serviceURL); err != nil {
		return err
	}
	return c.do(ctx, call{op: "DeleteActivity", method: http.MethodDelete, serviceURL: serviceURL,
		path: []string{"conversations", conversationID, "activities", activityID}, conv: threadOf(conversationID)})
}

// SendTyping shows the typing indicator in the conversation.
func (c *Client) SendTyping(ctx context.Context, serviceURL, conversationID string) error {
	_, err := c.post(ctx, "SendTyping", serviceURL, conversationID, "", &schema.Activity{Type: schema.Typing})
	return err
}

// CreateConversation creates (or finds: Teams answers with the existing one)
// the personal conversation of the bot botID ("28:<app id>") with the user
// userID (a 29: id or the user's Entra object id) in tenant tenantID, and
// returns its id ("a:…"). The user must have the app installed.
func (c *Client) CreateConversation(ctx context.Context, serviceURL, tenantID, botID, userID string) (string, error) {
	if err := c.checkHost(serviceURL); err != nil {
		return "", err
	}
	body, err := json.Marshal(map[string]any{
		"bot":         map[string]string{"id": botID},
		"members":     []map[string]string{{"id": userID}},
		"channelData": map[string]any{"tenant": map[string]string{"id": tenantID}},
		"tenantId":    tenantID,
		"isGroup":     false,
	})
	if err != nil {
		return "", flowdeck.Wrap(flowdeck.ErrInternal, err, "botframework: encode conversation parameters")
	}
	var out schema.ConversationResourceResponse
	err = c.do(ctx, call{op: "CreateConversation", method: http.MethodPost, serviceURL: serviceURL,
		path: []string{"conversations"}, conv: "create\x00" + tenantID + "\x00" + userID, tenant: strings.ToLower(tenantID), body: body, out: &out})
	if err == nil && out.ID == "" {
		err = flowdeck.Errorf(flowdeck.ErrUnavailable, "botframework: the connector created a conversation without an id")
	}
	return out.ID, err
}

func (c *Client) post(ctx context.Context, op, serviceURL, conversationID, replyTo string, a *schema.Activity) (string, error) {
	if err := c.checkHost(serviceURL); err != nil {
		return "", err
	}
	if a.Type == "" {
		cp := *a
		cp.Type = schema.Message
		a = &cp
	}
	body, err := c.encode(a)
	if err != nil {
		return "", err
	}
	path := []string{"conversations", conversationID, "activities"}
	if replyTo != "" {
		path = append(path, replyTo)
	}
	var out schema.ResourceResponse
	err = c.do(ctx, call{op: op, method: http.MethodPost, serviceURL: serviceURL, path: path, conv: threadOf(conversationID), body: body, out: &out})
	return out.ID, err
}

// encode serializes a and refuses it when it is over the size limit.
func (c *Client) encode(a *schema.Activity) ([]byte, error) {
	body, err := marshalActivity(a)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrInternal, err, "botframework: encode activity")
	}
	if n := UTF16Size(body); n > c.maxBytes {
		return nil, &flowdeck.Error{Kind: flowdeck.ErrInvalid,
			Message: "The message is too large for Teams; send it in pages.",
			Err:     &MessageTooLargeError{Size: n, Limit: c.maxBytes}}
	}
	return body, nil
}

// checkHost refuses a serviceUrl off the accepted hosts, so the bot's token
// never leaves for a host that is not the cloud's Bot Connector.
func (c *Client) checkHost(serviceURL string) error {
	if c.hosts.allows(serviceURL) {
		return nil
	}
	return flowdeck.Errorf(flowdeck.ErrInvalid, "botframework: the serviceUrl %q is not a Bot Connector host of this cloud", serviceURL)
}
