package bot

import (
	"context"
	"log/slog"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// devKey identifies a caller for the dev sign-in map.
func devKey(c botframework.Caller) string {
	return c.TenantID + "\x00" + c.UserID + "\x00" + c.UserMRI
}

// devPrincipal returns the user a caller was signed in as by DevSignIn.
func (b *Bot) devPrincipal(c botframework.Caller) (flowdeck.Principal, bool) {
	if b.o.DevSignIn == nil {
		return flowdeck.Principal{}, false
	}
	v, ok := b.devUsers.Load(devKey(c))
	if !ok {
		return flowdeck.Principal{}, false
	}
	return v.(flowdeck.Principal), true
}

// devSignIn signs the caller in with the SSO token DevSignIn mints (the
// Agents Playground has no SSO): verify, exchange, and remember as whom.
func (b *Bot) devSignIn(ctx context.Context, r *request) (context.Context, bool) {
	assertion, err := b.o.DevSignIn(ctx, r.caller)
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: dev sign-in failed", slog.Any("err", err))
		return ctx, false
	}
	p, err := b.o.SSO.Principal(ctx, assertion)
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: dev sign-in token rejected", slog.Any("err", err))
		return ctx, false
	}
	res, err := b.o.Tokens.Exchange(ctx, p, assertion)
	if err == nil {
		err = res[audienceFlow]
	}
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: dev sign-in exchange failed", slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
		return ctx, false
	}
	b.devUsers.Store(devKey(r.caller), p)
	b.log.LogAttrs(ctx, slog.LevelInfo, "bot: dev sign-in", slog.String("tenant_id", p.TenantID), slog.String("user_id", p.UserID))
	r.p = p
	b.watchByDefault(ctx, r, p)
	return flowdeck.WithPrincipal(ctx, p), true
}
