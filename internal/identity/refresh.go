package identity

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// refresh redeems a stored refresh token for a new token of audience a and
// stores the result, rotating the refresh token. dead reports a refresh
// token Entra will never accept again.
func (b *Broker) refresh(ctx context.Context, p flowdeck.Principal, a Audience, ai int, rt string) (tok string, dead bool, err error) {
	tr, dead, err := b.refreshGrant(ctx, p, a, rt)
	if err != nil {
		return "", dead, err
	}
	tok, err = b.save(ctx, p, a, ai, tr, rt)
	return tok, false, err
}

// refreshGrant is a hand-written refresh_token grant for audience a (Entra
// refresh tokens are multi-resource).
func (b *Broker) refreshGrant(ctx context.Context, p flowdeck.Principal, a Audience, rt string) (tokenResponse, bool, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {rt},
		"scope":         {strings.Join(a.SilentScopes(), " ")},
	}
	claims := b.withClaims(form, p, a)
	tr, err := b.tc.post(ctx, p.TenantID, form)
	b.metrics.exchange("refresh_token", a.Key, err)
	if err != nil {
		fe, dead := classify(err, grantRefresh, a)
		b.rememberClaims(p, a, fe)
		b.addURLs(fe, p, a)
		b.logFailure(ctx, "refresh", p, a, fe)
		return tokenResponse{}, dead, fe
	}
	b.log.LogAttrs(ctx, slog.LevelDebug, "identity: refreshed token", attrs(p, a)...)
	b.claimsSatisfied(p, a, claims)
	return tr, false, nil
}

// adoptSignIn stores the tokens of an interactive sign-in: the first
// audience's from the code redemption, every other one's by redeeming the
// (rotating) refresh token. It returns the audiences that failed.
func (b *Broker) adoptSignIn(ctx context.Context, p flowdeck.Principal, first Audience, tr tokenResponse, others []Audience) map[string]error {
	errs := map[string]error{}
	b.claims.Delete(flightKey(p, first)) // an interactive sign-in satisfies a pending claims challenge
	if _, err := b.save(ctx, p, first, b.audIdx[first.Key], tr, ""); err != nil {
		errs[first.Key] = err
	}
	rt := tr.RefreshToken
	for _, a := range others {
		next, _, err := b.refreshGrant(ctx, p, a, rt)
		if err != nil {
			errs[a.Key] = err
			continue
		}
		if _, err := b.save(ctx, p, a, b.audIdx[a.Key], next, rt); err != nil {
			errs[a.Key] = err
		}
		if next.RefreshToken != "" {
			rt = next.RefreshToken
		}
	}
	return errs
}

// deadRefreshToken handles a refresh token Entra will never accept again:
// every stored and cached token of the user goes (they were issued under the
// same sign-in session), and OnSignInNeeded runs once until the user signs
// in again.
func (b *Broker) deadRefreshToken(ctx context.Context, p flowdeck.Principal) {
	if err := b.store.DeleteTokens(ctx, p.TenantID, p.UserID); err != nil {
		b.log.LogAttrs(ctx, slog.LevelError, "identity: delete dead tokens", attrs(p, Audience{}, slog.Any("err", err))...)
	}
	b.cache.deleteUser(p.TenantID, p.UserID)
}

// signInNeeded calls OnSignInNeeded once per user until new tokens are stored.
func (b *Broker) signInNeeded(ctx context.Context, p flowdeck.Principal) {
	if _, loaded := b.notified.LoadOrStore(notifyKey(p), struct{}{}); loaded {
		return
	}
	b.log.LogAttrs(ctx, slog.LevelInfo, "identity: user must sign in again", attrs(p, Audience{})...)
	if b.onSignIn != nil {
		b.onSignIn(context.WithoutCancel(ctx), p)
	}
}
