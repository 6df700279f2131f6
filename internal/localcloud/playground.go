package localcloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Playground is the bot endpoint's Authenticator under `flowdeck dev`, made
// of ordinary parts, like a mock connector behind dex's connector interface.
//
// An activity with a token goes to the ordinary channel verifier, as in
// production. One without — the Microsoft 365 Agents Playground sends none —
// is admitted because FlowDeck listens on loopback only (NewPlayground
// refuses anything else), and is taken to come from the demo user: the
// Playground's user becomes user, of the fake tenant. Either way the demo
// user is signed in through the ordinary identity path: an SSO token the
// fake Entra ID mints, the SSO verifier, the broker's On-Behalf-Of exchange.
// The bot then sees an ordinary signed-in caller and has no dev branch.
type Playground struct {
	channel botframework.Authenticator
	user    demo.User
	mint    func() (string, error)
	sso     ssoVerifier
	tokens  signInTokens
	log     *slog.Logger
}

var _ botframework.TokenlessAuthenticator = (*Playground)(nil)

// ssoVerifier verifies a Teams SSO token (*identity.Verifier).
type ssoVerifier interface {
	Principal(ctx context.Context, raw string) (flowdeck.Principal, error)
}

// signInTokens is what the playground's sign-in calls of the token broker
// (*identity.Broker).
type signInTokens interface {
	Exchange(ctx context.Context, p flowdeck.Principal, assertion flowdeck.Assertion) (map[string]error, error)
	Access(ctx context.Context, p flowdeck.Principal) []flowdeck.Access
}

// PlaygroundOptions are the parts of a Playground.
type PlaygroundOptions struct {
	// Listen is the address FlowDeck listens on; it must be loopback.
	Listen string
	// Channel verifies the activities that carry a channel token.
	Channel botframework.Authenticator
	// User is the demo user the Playground's user becomes.
	User demo.User
	// Mint returns a Teams SSO token for User (the fake Entra ID's).
	Mint func() (string, error)
	// SSO and Tokens are the ordinary SSO verifier and token broker.
	SSO    ssoVerifier
	Tokens signInTokens
	// Logger receives the sign-ins (never a token); nil discards.
	Logger *slog.Logger
}

// NewPlayground checks o: above all, that FlowDeck listens on loopback only,
// since the playground admits activities without a token.
func NewPlayground(o PlaygroundOptions) (*Playground, error) {
	if !botframework.IsLoopback(o.Listen) {
		return nil, fmt.Errorf("the Agents Playground's unauthenticated activities need a loopback listen address, not %q", o.Listen)
	}
	if o.Channel == nil || o.Mint == nil || o.SSO == nil || o.Tokens == nil || o.User.ID == "" {
		return nil, errors.New("playground: Channel, User, Mint, SSO and Tokens are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Playground{channel: o.Channel, user: o.User, mint: o.Mint, sso: o.SSO, tokens: o.Tokens, log: o.Logger}, nil
}

// AdmitsTokenless implements botframework.TokenlessAuthenticator: the
// Playground sends no token.
func (pg *Playground) AdmitsTokenless() bool { return true }

// Authenticate implements botframework.Authenticator.
func (pg *Playground) Authenticate(ctx context.Context, authorization string, a *schema.Activity) (botframework.Caller, botframework.Claims, error) {
	if authorization != "" {
		c, claims, err := pg.channel.Authenticate(ctx, authorization, a)
		if err == nil && c.TenantID == pg.user.TenantID && c.UserID == pg.user.ID {
			pg.signIn(ctx)
		}
		return c, claims, err
	}
	c := botframework.CallerOf(a)
	c.TenantID, c.UserID, c.Name = pg.user.TenantID, pg.user.ID, pg.user.Name
	pg.signIn(ctx)
	return c, botframework.Claims{}, nil
}

// signIn makes sure FlowDeck holds a usable token of every service for the
// demo user: when the broker says one is missing (the user never signed in,
// signed out, or the tab obtained only some a moment ago, and a command that
// needs another would fail half-way), it exchanges a fresh SSO token for all
// of them. A failure is logged; the bot then answers as it answers anyone
// who is not signed in.
func (pg *Playground) signIn(ctx context.Context) {
	p := flowdeck.Principal{TenantID: pg.user.TenantID, UserID: pg.user.ID, Name: pg.user.Name, UPN: pg.user.UPN}
	if allGranted(pg.tokens.Access(ctx, p)) {
		return
	}
	err := pg.exchange(ctx)
	if err != nil {
		pg.log.LogAttrs(ctx, slog.LevelWarn, "dev: the Playground's sign-in failed", slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
		return
	}
	pg.log.LogAttrs(ctx, slog.LevelInfo, "dev: the Playground's user signed in", slog.String("tenant_id", p.TenantID), slog.String("user_id", p.UserID))
}

// exchange mints the demo user's SSO token, verifies it and exchanges it.
func (pg *Playground) exchange(ctx context.Context) error {
	raw, err := pg.mint()
	if err != nil {
		return err
	}
	p, err := pg.sso.Principal(ctx, raw)
	if err != nil {
		return err
	}
	res, err := pg.tokens.Exchange(ctx, p, flowdeck.NewAssertion(raw))
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range res {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

func allGranted(acc []flowdeck.Access) bool {
	for _, a := range acc {
		if !a.Granted {
			return false
		}
	}
	return len(acc) > 0
}
