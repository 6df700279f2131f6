package identity

import (
	"context"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Access reports, for every audience in registry order, whether FlowDeck can
// obtain a token for the user and, when it cannot, the problem and the URL of
// the consent or sign-in flow that fixes it. It is what /api/me shows.
func (b *Broker) Access(ctx context.Context, p flowdeck.Principal) []flowdeck.Access {
	status := b.Status(ctx, p)
	out := make([]flowdeck.Access, 0, len(b.auds))
	for _, a := range b.auds {
		acc := flowdeck.Access{Audience: a.Key, Name: a.Name, Granted: status[a.Key] == nil}
		if err := status[a.Key]; err != nil {
			acc.Code = flowdeck.Code(err)
			acc.Message = flowdeck.Message(err)
			var fe *flowdeck.Error
			if errors.As(err, &fe) {
				if fe.Detail[flowdeck.DetailAdminRequired] == "true" {
					acc.AdminConsentURL = fe.Detail[flowdeck.DetailAdminConsentURL]
				} else if u := fe.Detail[flowdeck.DetailConsentURL]; u != "" {
					acc.ConsentURL = u
				} else if u := fe.Detail[flowdeck.DetailSignInURL]; u != "" {
					acc.ConsentURL = u
				}
			}
		}
		out = append(out, acc)
	}
	return out
}
