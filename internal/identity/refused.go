package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Refused forgets token, an access token for the audience (a registry key)
// that an upstream API refused with HTTP 401 (expired, revoked, wrong
// audience), so that the next Token call obtains a fresh one: it leaves the
// in-memory cache and the store (the refresh token stays, so renewal is
// silent when Entra still honours it). A token that was replaced in the
// meantime is left alone; an empty token evicts whatever is held. claims is
// the refusal's claims challenge (decoded JSON, "" if none): the next token
// request for the audience carries it, as Microsoft's claims-challenge
// guidance asks (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
// It satisfies upstream.Refusals.
func (b *Broker) Refused(ctx context.Context, p flowdeck.Principal, audience, token, claims string) {
	ai, err := b.audience(p, audience)
	if err != nil {
		return
	}
	a := b.auds[ai]
	if claims != "" {
		if err := checkClaims(claims); err == nil {
			b.claims.Store(flightKey(p, a), claims)
		}
	}
	b.cache.evict(p.TenantID, p.UserID, ai, token)
	if token == "" {
		st, err := b.store.GetToken(ctx, p.TenantID, p.UserID, a.Key)
		if err != nil || st.AccessToken == "" {
			return
		}
		token = st.AccessToken
	}
	evicted, err := b.store.EvictAccessToken(ctx, p.TenantID, p.UserID, a.Key, token)
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelError, "identity: evict a refused token", attrs(p, a, slog.Any("err", err))...)
		return
	}
	b.log.LogAttrs(ctx, slog.LevelInfo, "identity: an upstream API refused the token; it is forgotten",
		attrs(p, a, slog.Bool("evicted_from_store", evicted), slog.Bool("claims_challenge", claims != ""))...)
}

// SignInAgain is the error for a token the upstream API refused although
// FlowDeck had just obtained it afresh: the user must sign in again (with the
// claims of a pending claims challenge). cause is the API's refusal, for the
// logs. It satisfies upstream.Refusals.
func (b *Broker) SignInAgain(_ context.Context, p flowdeck.Principal, audience string, cause error) error {
	ai, err := b.audience(p, audience)
	if err != nil {
		return err
	}
	a := b.auds[ai]
	fe := &flowdeck.Error{
		Kind:    flowdeck.ErrInteractionRequired,
		Message: fmt.Sprintf("%s did not accept your sign-in, even after FlowDeck renewed it; sign in again.", a.Name),
		Detail:  map[string]string{"audience": a.Key, "audience_name": a.Name, "reason": "token_refused"},
		// %v, not %w: the refusal's own kind (unauthenticated) must not
		// shadow this error's for errors.Is and flowdeck.KindOf.
		Err: fmt.Errorf("the API refused a freshly obtained token: %v", cause),
	}
	var up *flowdeck.Error
	if errors.As(cause, &up) && up.Detail["code"] != "" {
		fe.Detail["code"] = up.Detail["code"]
	}
	if c, ok := b.claims.Load(flightKey(p, a)); ok {
		fe.Detail["claims"] = c.(string)
	}
	b.addURLs(fe, p, a)
	return fe
}

// pendingClaims returns the claims challenge the next token request for
// (p, a) must carry, if any.
func (b *Broker) pendingClaims(p flowdeck.Principal, a Audience) string {
	if c, ok := b.claims.Load(flightKey(p, a)); ok {
		return c.(string)
	}
	return ""
}

// withClaims adds the pending claims challenge of (p, a) to a token request
// form (Entra's token endpoint takes a "claims" parameter, as MSAL's
// WithClaims sends it) and returns it, "" if none.
func (b *Broker) withClaims(form url.Values, p flowdeck.Principal, a Audience) string {
	c := b.pendingClaims(p, a)
	if c != "" {
		form.Set("claims", c)
	}
	return c
}

// claimsSatisfied forgets the pending claims challenge of (p, a) once a
// token request that carried claims succeeded.
func (b *Broker) claimsSatisfied(p flowdeck.Principal, a Audience, claims string) {
	if claims != "" {
		b.claims.CompareAndDelete(flightKey(p, a), claims)
	}
}

// challenge is the claims challenge an interactive sign-in for fe must
// satisfy: Entra's (fe.Detail["claims"]), else the one an API sent.
func (b *Broker) challenge(fe *flowdeck.Error, p flowdeck.Principal, a Audience) string {
	if c := fe.Detail["claims"]; c != "" {
		return c
	}
	c := b.pendingClaims(p, a)
	if c != "" {
		fe.Detail["claims"] = c
	}
	return c
}

// rememberClaims keeps the claims challenge of a failed token request (Entra's
// answer to OBO or a refresh) until a token satisfies it, so that every later
// sign-in URL for (p, a) — the bot's sign-in card, the tab's consent popup —
// carries it, whoever builds it.
func (b *Broker) rememberClaims(p flowdeck.Principal, a Audience, fe *flowdeck.Error) {
	if fe == nil || fe.Detail["claims"] == "" || checkClaims(fe.Detail["claims"]) != nil {
		return
	}
	b.claims.Store(flightKey(p, a), fe.Detail["claims"])
}
