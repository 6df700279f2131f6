package cards

import (
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The live cards a message extension inserts into a conversation (a search
// result chosen in the compose box, or an unfurled portal link). The card is
// the user's message, so FlowDeck keeps no state for it: its refresh action
// carries no userIds, so Teams refreshes it for whoever views it in a
// conversation of up to 60 members (a manual refresh in larger ones), and
// each viewer's refresh is read with their own tokens.

// maxLiveRuns is how many of a flow's latest runs its live card lists.
const maxLiveRuns = 5

// FlowLive is a flow's live card: its state, its latest runs, Turn off (or
// Turn on) and the portal link, refreshed with flow.refresh.
func FlowLive(f flowdeck.Flow, runs []flowdeck.Run, l Links) *AdaptiveCard {
	c := newCard("Flow: "+Trim(OneLine(f.DisplayName), maxName),
		subtle("Power Automate flow"),
		heading(name(f.DisplayName)))
	facts := []Fact{{Title: "State", Value: flowState(f)}}
	if o := owner(f); o != "" {
		facts = append(facts, Fact{Title: "Owner", Value: o})
	}
	if !f.ModifiedAt.IsZero() {
		facts = append(facts, Fact{Title: "Modified", Value: When(f.ModifiedAt)})
	}
	c.Body = append(c.Body, &FactSet{Facts: facts})
	c.Body = append(c.Body, &TextBlock{Text: "Latest runs", Weight: "Bolder", Separator: true, Spacing: "Medium"})
	if len(runs) == 0 {
		c.Body = append(c.Body, subtle("No runs yet."))
	}
	for i, r := range runs {
		if i == maxLiveRuns {
			break
		}
		c.Body = append(c.Body, &TextBlock{Text: runStatus(r.Status) + " · " + When(r.StartTime) + " · " + name(ShortID(r.ID)),
			Wrap: true, Spacing: "Small"})
	}
	data := FlowStateData{EnvironmentID: f.EnvironmentID, FlowID: f.ID}
	switch f.State {
	case flowdeck.FlowStarted:
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Turn off", Verb: VerbFlowState, Data: data})
	default:
		data.On = true
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Turn on", Verb: VerbFlowState, Data: data})
	}
	c.Actions = append(c.Actions, actions(portalLink("Open in Power Automate", l.Portal.Flow(f)),
		l.Tab.action("Open in tab", FlowSubEntity(f.EnvironmentID, f.ID)))...)
	c.Refresh = &Refresh{Action: &ExecuteAction{Title: "Refresh", Verb: VerbFlowRefresh,
		Data: FlowRefreshData{EnvironmentID: f.EnvironmentID, FlowID: f.ID}}}
	return c
}

// RunLive is a run's live card: RunCard (status, the failed action and its
// error, Resubmit or Cancel), refreshed with run.refresh.
func RunLive(f flowdeck.Flow, r flowdeck.Run, acts []flowdeck.Action, l Links) *AdaptiveCard {
	c := RunCard(f, r, acts, l)
	c.Refresh = &Refresh{Action: &ExecuteAction{Title: "Refresh", Verb: VerbRunRefresh,
		Data: RunData{EnvironmentID: r.EnvironmentID, FlowID: r.FlowID, RunID: r.ID}}}
	return c
}

// ApprovalLive is an approval's live card, as viewer (a flowdeck.Person.ID)
// sees it: Approval with ApprovalOptions.Shared and no userIds.
func ApprovalLive(a flowdeck.Approval, viewer string, l Links) *AdaptiveCard {
	return Approval(a, ApprovalOptions{ViewerID: viewer, Tab: l.Tab, Portal: l.Portal, Shared: true})
}

// NoAccess is the neutral card of a flow, run or approval the viewer cannot
// open (it is in another tenant, or they have no access): it names nothing
// of the target, so nothing leaks across users or tenants.
func NoAccess(kind string) *AdaptiveCard {
	what := map[string]string{flowdeck.LinkFlow: "flow", flowdeck.LinkRun: "flow run", flowdeck.LinkApproval: "approval"}[kind]
	if what == "" {
		what = "item"
	}
	return newCard("Power Automate "+what,
		subtle("Power Automate"),
		heading("Power Automate "+what),
		para("You can't open this "+what+" with your account, so FlowDeck shows nothing of it. "+
			"Ask whoever shared it to share the "+what+" with you in Power Automate."))
}

// ThumbnailCard is the preview of a message-extension result (Bot
// Framework's thumbnail card): plain text only.
type ThumbnailCard struct {
	Title    string    `json:"title"`
	Subtitle string    `json:"subtitle,omitempty"`
	Text     string    `json:"text,omitempty"`
	Tap      *CardTap  `json:"tap,omitempty"`
	Images   []CardImg `json:"images,omitempty"`
}

// CardTap is a preview's tap action: an invoke whose value comes back in
// composeExtension/selectItem.
type CardTap struct {
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// CardImg is a preview image.
type CardImg struct {
	URL string `json:"url"`
	Alt string `json:"alt,omitempty"`
}

// ContentTypeThumbnail is the content type of a ThumbnailCard attachment.
const ContentTypeThumbnail = "application/vnd.microsoft.card.thumbnail"

// Preview is a result's preview with text trimmed to one line each; tap,
// when set, makes choosing it send selectItem with tap as its value.
func Preview(title, subtitle, text string, tap any) *ThumbnailCard {
	t := &ThumbnailCard{Title: Trim(OneLine(title), maxName), Subtitle: Trim(OneLine(subtitle), maxName), Text: Trim(OneLine(text), maxError)}
	if tap != nil {
		t.Tap = &CardTap{Type: "invoke", Value: tap}
	}
	return t
}
