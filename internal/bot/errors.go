package bot

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// errorReply explains err to the user with the next step: sign in again,
// give consent, which permission is missing and who grants it, when to
// retry. Internal details never reach the user; they are logged.
func (b *Bot) errorReply(ctx context.Context, r *request, err error) reply {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = flowdeck.Wrap(flowdeck.ErrUnavailable, err, "That took too long; try again in a minute.")
	}
	kind := flowdeck.KindOf(err)
	level := slog.LevelInfo
	if kind == flowdeck.ErrInternal || kind == flowdeck.ErrMisconfigured || kind == flowdeck.ErrUnavailable {
		level = slog.LevelWarn
	}
	b.log.LogAttrs(ctx, level, "bot: command failed", slog.String("command", r.cmd.Name),
		slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
	if r.p.Valid() {
		err = b.o.Consent.ExplainMissingPermission(r.p, err)
	}
	var fe *flowdeck.Error
	errors.As(err, &fe)
	switch kind {
	case flowdeck.ErrUnauthenticated, flowdeck.ErrInteractionRequired:
		if r.p.Valid() {
			if kind == flowdeck.ErrInteractionRequired && fe != nil && fe.Detail[flowdeck.DetailSignInURL] != "" {
				// The broker's sign-in URL carries what Entra or the API asked
				// for (a claims challenge); its message says why.
				return b.oauthReplyURL(ctx, r, cmp.Or(fe.Message, "Sign in again to continue."), fe.Detail[flowdeck.DetailSignInURL])
			}
			return b.oauthReply(ctx, r, "Sign in again to continue.")
		}
	case flowdeck.ErrConsentRequired:
		u := ""
		if fe != nil {
			u = fe.Detail[flowdeck.DetailConsentURL]
		}
		if u == "" && r.p.Valid() {
			u, _ = b.o.Consent.StartURL(r.p, r.p.UPN, nil, "consent")
		}
		return cardReply(cards.ErrorCard(err, cards.ErrorOptions{ConsentURL: u}))
	case flowdeck.ErrForbidden:
		c := cards.ErrorCard(err, cards.ErrorOptions{})
		if fe != nil && fe.Detail[flowdeck.DetailScope] != "" {
			who := cmp.Or(fe.Detail[flowdeck.DetailGrantor], "your tenant administrator")
			c.Body = append(c.Body, &cards.TextBlock{Wrap: true, Text: "Missing permission: **" + cards.Escape(flowdeck.Clip(fe.Detail[flowdeck.DetailScope], 80)) +
				"**. Who can grant it: " + cards.Escape(flowdeck.Clip(who, 120)) + "."})
		}
		return cardReply(c)
	}
	return cardReply(cards.ErrorCard(err, cards.ErrorOptions{}))
}

// withPartial adds a warning naming the environments that did not answer.
func withPartial(c *cards.AdaptiveCard, partial []ops.Partial) *cards.AdaptiveCard {
	if len(partial) == 0 {
		return c
	}
	names := partialNames(partial)
	c.Body = append(c.Body, &cards.TextBlock{Wrap: true, Color: "Warning",
		Text: "Partial answer: " + cards.Escape(strings.Join(names, ", ")) + " did not answer. Try again in a minute."})
	return c
}

func partialNames(partial []ops.Partial) []string {
	names := make([]string, 0, len(partial))
	for i, p := range partial {
		if i == 10 {
			names = append(names, "and more")
			break
		}
		names = append(names, flowdeck.Clip(cmp.Or(p.Name, p.EnvironmentID), 80))
	}
	return names
}

// adminOnly reports a consent only the tenant's administrator can give.
func adminOnly(err error) bool {
	var fe *flowdeck.Error
	return errors.As(err, &fe) && errors.Is(err, flowdeck.ErrConsentRequired) && fe.Detail[flowdeck.DetailAdminRequired] == "true"
}
