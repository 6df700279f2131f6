package cards

import (
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ErrorOptions adds what an error card needs beyond the error itself.
type ErrorOptions struct {
	// ConsentURL is where a consent-required error sends the user; when
	// empty, the error's Detail[flowdeck.DetailConsentURL] is used.
	ConsentURL string
	// Environments names the environments that failed, for a partial answer.
	Environments []string
}

// ErrorCard explains err to a user: its sentence and code, both from
// flowdeck's one error table (flowdeck.Message, flowdeck.Code), and the next
// step, which is the card's own (it names bot commands and buttons). Consent
// required gets a consent button, sign-in errors a Sign in button, throttling
// says when to retry, and a partial answer names the environments that failed.
func ErrorCard(err error, o ErrorOptions) *AdaptiveCard {
	msg := flowdeck.Message(err)
	c := newCard(msg, &TextBlock{Text: "Something stopped FlowDeck", Wrap: true, Color: "Attention", Weight: "Bolder"},
		para(Escape(Trim(OneLine(msg), maxError))))
	if len(o.Environments) > 0 {
		names := make([]string, 0, len(o.Environments))
		for i, e := range o.Environments {
			if i == 10 {
				names = append(names, "and "+count(len(o.Environments)-10, "more", "more"))
				break
			}
			names = append(names, name(e))
		}
		c.Body[0] = &TextBlock{Text: "Partial answer", Wrap: true, Color: "Warning", Weight: "Bolder"}
		c.Body = append(c.Body, para("These environments did not answer: "+strings.Join(names, ", ")+". What you see is missing their results."))
	}
	var fe *flowdeck.Error
	errors.As(err, &fe)
	var next string
	admin := false
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrConsentRequired:
		if fe != nil && fe.Detail[flowdeck.DetailAdminRequired] == "true" && webURL(fe.Detail[flowdeck.DetailAdminConsentURL]) != "" {
			// The organization lets only an administrator consent: the
			// user's own consent page would refuse them.
			next = "Only an administrator can grant this in your organization: ask your Microsoft 365 administrator to open the admin-consent link, then try again."
			admin = true
			break
		}
		u := webURL(o.ConsentURL)
		if u == "" && fe != nil {
			u = webURL(fe.Detail[flowdeck.DetailConsentURL])
		}
		next = "Give consent, then try again."
		if u != "" {
			c.Actions = append(c.Actions, &OpenURLAction{Title: "Give consent", URL: u})
		} else {
			next = "Ask your administrator to grant FlowDeck consent, then try again."
		}
	case flowdeck.ErrInteractionRequired, flowdeck.ErrUnauthenticated:
		next = "Sign in, then try again."
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Sign in", Verb: VerbSignIn, Style: "positive"})
	case flowdeck.ErrThrottled:
		next = "Try again in a minute."
		if fe != nil && fe.RetryAfter > 0 {
			next = "Try again in " + duration(fe.RetryAfter) + "."
		}
	case flowdeck.ErrUnavailable:
		next = "Try again in a minute; if it keeps happening, check the Power Platform service health."
	case flowdeck.ErrNotFound:
		next = "Check the name with **flows**, or pick it from the tab."
	case flowdeck.ErrForbidden:
		next = "Ask the flow's owner to share it with you, or to do it for you."
		// A permission FlowDeck lacks (identity's ExplainMissingPermission):
		// the admin-consent link, and the user's own request for it.
		if fe != nil && webURL(fe.Detail[flowdeck.DetailAdminConsentURL]) != "" {
			next = "An administrator can grant it for everyone with the admin-consent link; you can also ask for it yourself."
			admin = true
		}
	case flowdeck.ErrConflict:
		next = "Reload and try again."
	case flowdeck.ErrInvalid:
		next = "Type **help** to see how to use the commands."
	case flowdeck.ErrMisconfigured, flowdeck.ErrInternal:
		next = "If it keeps happening, tell your FlowDeck administrator."
	}
	if next != "" {
		c.Body = append(c.Body, &TextBlock{Text: next, Wrap: true, IsSubtle: true})
	}
	if admin && adminConsent(c, fe) && flowdeck.KindOf(err) == flowdeck.ErrForbidden {
		if u := webURL(fe.Detail[flowdeck.DetailConsentURL]); u != "" {
			c.Actions = append(c.Actions, &OpenURLAction{Title: "Ask for this permission", URL: u})
		}
	}
	if code := flowdeck.Code(err); code != "" {
		c.Body = append(c.Body, subtle("Code: "+Escape(code)))
	}
	return c
}
