package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// DriverOptions configure a Driver.
type DriverOptions struct {
	// Server signs the channel tokens and is the serviceUrl. Required.
	Server *Server
	// BotURL is the bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. Required.
	BotURL string
	// HTTPClient posts to the bot; default a client with a 30 s timeout that
	// keeps up to 256 idle connections to the bot, as the Teams channel keeps
	// its connections open (net/http's default keeps 2, so concurrent
	// activities would open and close a connection each).
	HTTPClient *http.Client
	// BotName is the bot's display name; default "FlowDeck".
	BotName string
	// ChannelID is the channel; default "msteams".
	ChannelID string
	// Locale is the client locale; default "en-US".
	Locale string
	// ConnectionName goes into signin/tokenExchange values; default "".
	ConnectionName string
	// Unauthenticated sends no Authorization header, like the Agents Playground.
	Unauthenticated bool
	// TokenForm is the form of the channel tokens it signs; default
	// FormBotFramework. The tenant forms need the server's CloudOptions.EntraSign.
	TokenForm TokenForm
	// TokenTenant issues the tenant forms as another tenant (a Microsoft
	// service tenant); default the bot's tenant.
	TokenTenant string
	// LinkDomains are the manifest's messageHandlers link domains: QueryLink
	// sends composeExtension/queryLink only for URLs on them (msgext.go).
	LinkDomains []string
	// SSOToken, when set, gives u's Teams SSO token for the app: the driver
	// answers a message extension's silentAuth with it, as Teams does.
	SSOToken func(u demo.User) (string, error)
	// Installed, if set, is told of every install the driver plays, before
	// the bot hears of it: the local cloud records it in the fake Graph, as
	// Teams' app installations are Graph's.
	Installed func(u demo.User)
}

// Driver plays a Teams client: it sends signed, Teams-shaped activities to
// the bot and returns the bot's synchronous answers.
type Driver struct {
	o   DriverOptions
	hc  *http.Client
	seq atomic.Int64

	mu     sync.Mutex
	tokens map[string]cachedToken // serviceUrl → channel token
}

// cachedToken is a channel token and when the driver stops reusing it. Like
// the Teams channel, the driver reuses a token for most of its hour.
type cachedToken struct {
	token string
	until time.Time
}

// channelToken returns a channel token for serviceURL, reusing a cached one
// while it has more than 10 minutes to live.
func (d *Driver) channelToken(serviceURL string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tokens[serviceURL]; ok && d.o.Server.now().Before(t.until) {
		return t.token, nil
	}
	tok, err := d.o.Server.ChannelTokenFrom(d.o.TokenForm, d.o.TokenTenant, d.o.Server.BotID(), serviceURL)
	if err != nil {
		return "", err
	}
	if d.tokens == nil {
		d.tokens = map[string]cachedToken{}
	}
	d.tokens[serviceURL] = cachedToken{token: tok, until: d.o.Server.now().Add(50 * time.Minute)}
	return tok, nil
}

// Result is the bot's HTTP answer to one activity.
type Result struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Result) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// NewDriver returns a driver.
func NewDriver(o DriverOptions) (*Driver, error) {
	if o.Server == nil || o.BotURL == "" {
		return nil, fmt.Errorf("connector: the driver needs a server and the bot URL")
	}
	if o.BotName == "" {
		o.BotName = "FlowDeck"
	}
	if o.ChannelID == "" {
		o.ChannelID = "msteams"
	}
	if o.Locale == "" {
		o.Locale = "en-US"
	}
	hc := o.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
		hc = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	return &Driver{o: o, hc: hc}, nil
}

// UserMRI returns u's 29: id for this bot.
func (d *Driver) UserMRI(u demo.User) string { return UserMRI(d.o.Server.BotID(), u) }

// ConversationID returns u's personal conversation id with the bot.
func (d *Driver) ConversationID(u demo.User) string {
	return PersonalConversationID(d.o.Server.BotID(), u)
}

// Activity returns the envelope of an activity of type typ from u in u's
// personal conversation, for tests to adjust and Send.
func (d *Driver) Activity(u demo.User, typ string) map[string]any {
	now := time.Now()
	id := strconv.FormatInt(now.UnixMilli()*1000+d.seq.Add(1)%1000, 10)
	if typ == "invoke" {
		id = "f:" + id
	}
	bot := d.o.Server.BotID()
	return map[string]any{
		"type":           typ,
		"id":             id,
		"timestamp":      now.UTC().Format("2006-01-02T15:04:05.000Z"),
		"localTimestamp": now.Format("2006-01-02T15:04:05.000-07:00"),
		"localTimezone":  "Europe/Berlin",
		"serviceUrl":     d.o.Server.ServiceURL(),
		"channelId":      d.o.ChannelID,
		"from":           map[string]any{"id": d.UserMRI(u), "name": u.Name, "aadObjectId": u.ID},
		"conversation": map[string]any{"conversationType": "personal", "tenantId": u.TenantID,
			"id": d.ConversationID(u)},
		"recipient": map[string]any{"id": BotMRI(bot), "name": d.o.BotName},
		"locale":    d.o.Locale,
		"entities": []any{map[string]any{"type": "clientInfo", "locale": d.o.Locale, "country": "US",
			"platform": "Web", "timezone": "Europe/Berlin"}},
		"channelData": map[string]any{"tenant": map[string]any{"id": u.TenantID}},
	}
}

// Send signs a (with the serviceUrl it carries) and posts it to the bot.
// The connector learns the tenant of a's conversation, as Teams knows it.
func (d *Driver) Send(ctx context.Context, a map[string]any) (Result, error) {
	if conv, ok := a["conversation"].(map[string]any); ok {
		id, _ := conv["id"].(string)
		tid, _ := conv["tenantId"].(string)
		d.o.Server.AddConversation(id, tid)
	}
	body, err := json.Marshal(a)
	if err != nil {
		return Result{}, fmt.Errorf("connector: encode activity: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.o.BotURL, bytes.NewReader(body))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if !d.o.Unauthenticated {
		su, _ := a["serviceUrl"].(string)
		tok, err := d.channelToken(su)
		if err != nil {
			return Result{}, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("connector: post activity: %w", err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return Result{}, fmt.Errorf("connector: read answer: %w", err)
	}
	return Result{Status: resp.StatusCode, Header: resp.Header, Body: rb}, nil
}

// Install sends what Teams sends when u installs the app in personal scope:
// installationUpdate (add), then conversationUpdate with membersAdded (the
// bot). It returns the answer to the second; a non-2xx answer to the first is an error.
func (d *Driver) Install(ctx context.Context, u demo.User) (Result, error) {
	if d.o.Installed != nil {
		d.o.Installed(u)
	}
	a := d.Activity(u, "installationUpdate")
	a["action"] = "add"
	cd := a["channelData"].(map[string]any)
	cd["source"] = map[string]any{"name": "message"}
	res, err := d.Send(ctx, a)
	if err != nil {
		return res, err
	}
	if res.Status/100 != 2 {
		return res, fmt.Errorf("connector: installationUpdate answered %d", res.Status)
	}
	c := d.Activity(u, "conversationUpdate")
	c["membersAdded"] = []any{map[string]any{"id": BotMRI(d.o.Server.BotID())}}
	return d.Send(ctx, c)
}

// Say sends a plain-text message from u in the personal conversation.
func (d *Driver) Say(ctx context.Context, u demo.User, text string) (Result, error) {
	a := d.Activity(u, "message")
	a["text"], a["textFormat"] = text, "plain"
	return d.Send(ctx, a)
}

// SayInChannel sends a message from u in a team channel, mentioning the
// bot: text "<at>FlowDeck</at> " + text and a mention entity.
func (d *Driver) SayInChannel(ctx context.Context, u demo.User, channel, text string) (Result, error) {
	a := d.Activity(u, "message")
	cid := ChannelConversationID(channel)
	at := "<at>" + d.o.BotName + "</at>"
	a["text"], a["textFormat"] = at+" "+text, "plain"
	a["conversation"] = map[string]any{"conversationType": "channel", "tenantId": u.TenantID, "isGroup": true,
		"id": cid + ";messageid=" + a["id"].(string)}
	a["entities"] = append(a["entities"].([]any), map[string]any{
		"type": "mention", "text": at,
		"mentioned": map[string]any{"id": BotMRI(d.o.Server.BotID()), "name": d.o.BotName},
	})
	a["channelData"] = map[string]any{
		"tenant":  map[string]any{"id": u.TenantID},
		"team":    map[string]any{"id": ChannelConversationID("team:" + channel)},
		"channel": map[string]any{"id": cid},
	}
	return d.Send(ctx, a)
}

// TokenExchange sends signin/tokenExchange with {id, connectionName, token}
// (a fresh id).
func (d *Driver) TokenExchange(ctx context.Context, u demo.User, ssoToken string) (Result, error) {
	a := d.Activity(u, "invoke")
	a["name"] = "signin/tokenExchange"
	a["value"] = map[string]any{"id": uuid.NewString(), "connectionName": d.o.ConnectionName, "token": ssoToken}
	return d.Send(ctx, a)
}

// VerifyState sends signin/verifyState with {state}.
func (d *Driver) VerifyState(ctx context.Context, u demo.User, state string) (Result, error) {
	a := d.Activity(u, "invoke")
	a["name"] = "signin/verifyState"
	a["value"] = map[string]any{"state": state}
	return d.Send(ctx, a)
}

// CardAction sends adaptiveCard/action for an Action.Execute with verb and
// data on the card message replyToID ("" for none). withTrigger adds
// "trigger":"manual" as Teams does; without it the value looks like the
// Agents Playground's.
func (d *Driver) CardAction(ctx context.Context, u demo.User, replyToID, verb string, data map[string]any, withTrigger bool) (Result, error) {
	a := d.Activity(u, "invoke")
	a["name"] = "adaptiveCard/action"
	if replyToID != "" {
		a["replyToId"] = replyToID
	}
	a["channelData"].(map[string]any)["source"] = map[string]any{"name": "message"}
	v := map[string]any{"action": map[string]any{"type": "Action.Execute", "title": verb, "verb": verb, "data": data}}
	if withTrigger {
		v["trigger"] = "manual"
	}
	a["value"] = v
	return d.Send(ctx, a)
}
