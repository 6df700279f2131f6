package bot

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// DefaultCommandTimeout bounds the work on one message.
const DefaultCommandTimeout = 90 * time.Second

// Options configure a Bot. Ops, Tokens, SSO, Consent, Connector,
// Conversations, Dedupe, AppIDURI and BotID are required.
type Options struct {
	// Ops runs every operation.
	Ops Ops
	// Tokens is the token broker.
	Tokens Tokens
	// SSO verifies the token of signin/tokenExchange.
	SSO SSOVerifier
	// Consent gives the sign-in button's URL (/auth/start?s=…).
	Consent Consent
	// Connector sends replies.
	Connector Connector
	// Conversations keeps conversation references for proactive messages.
	Conversations flowdeck.ConversationStore
	// Dedupe claims the token-exchange dedupe keys.
	Dedupe flowdeck.NotificationLog
	// AppIDURI is the Application ID URI: the OAuth card's tokenExchangeResource.uri.
	AppIDURI string
	// BotID is the bot's app id (with or without the "28:" prefix).
	BotID string
	// TabLink builds deep links to the personal tab; nil leaves them out.
	TabLink cards.TabLink
	// Portal is the configured cloud's Power Automate portal, where the cards'
	// "Open in Power Automate" links point; zero leaves them out.
	Portal flowdeck.Portal
	// PortalHosts are the hosts of the configured cloud's Power Automate
	// portals (https://make.powerautomate.com, https://flow.microsoft.com,
	// …): links to them unfurl into live cards; links to any other host get
	// the neutral preview. None: every link gets the neutral preview.
	PortalHosts []string
	// Logger receives one line per problem (never a token); default discards.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// CommandTimeout bounds the work on one message; default DefaultCommandTimeout.
	CommandTimeout time.Duration
}

// Bot is FlowDeck's conversation logic; it implements botframework.Handler.
// It is safe for concurrent use.
type Bot struct {
	o     Options
	log   *slog.Logger
	now   func() time.Time
	botID string // 28:…

	wg     sync.WaitGroup
	mu     sync.Mutex
	closed bool

	stored     refCache           // conversation references already in the store
	exchanges  singleflight.Group // signin/tokenExchange under way, by dedupe key
	exchanging sync.Map           // the keys of exchanges running now
}

// New returns a Bot. Missing options are flowdeck.ErrMisconfigured.
func New(o Options) (*Bot, error) {
	var missing []string
	for name, ok := range map[string]bool{
		"Ops": o.Ops != nil, "Tokens": o.Tokens != nil, "SSO": o.SSO != nil, "Consent": o.Consent != nil,
		"Connector": o.Connector != nil, "Conversations": o.Conversations != nil, "Dedupe": o.Dedupe != nil,
		"AppIDURI": o.AppIDURI != "", "BotID": o.BotID != "",
	} {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "bot: missing options: %s", strings.Join(missing, ", "))
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	id := o.BotID
	if !strings.HasPrefix(id, "28:") {
		id = "28:" + id
	}
	return &Bot{o: o, log: o.Logger, now: o.Now, botID: id}, nil
}

// Close waits until the messages being answered are answered, or ctx ends.
// Messages that arrive after Close are acknowledged and dropped.
func (b *Bot) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait blocks until every answer under way has been sent (for tests and shutdown).
func (b *Bot) Wait() { b.wg.Wait() }

// goAsync runs f after the HTTP answer, with the request's values, without
// its cancellation, and with the command timeout.
func (b *Bot) goAsync(ctx context.Context, what string, f func(ctx context.Context)) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: shutting down; activity dropped", slog.String("what", what))
		return
	}
	b.wg.Add(1)
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.o.CommandTimeout)
	go func() {
		defer b.wg.Done()
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				b.log.LogAttrs(ctx, slog.LevelError, "bot: panic", slog.String("what", what), slog.Any("panic", r))
			}
		}()
		f(ctx)
	}()
}
