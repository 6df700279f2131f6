package cards

import (
	"strconv"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Approval card limits.
const (
	// maxOptionButtons is the most response options shown as buttons; more
	// become a choice list with one Submit button.
	maxOptionButtons = 4
	maxItemLinks     = 4
	maxResponses     = 20
	maxWaitingNames  = 10
)

// ApprovalOptions says who an approval card is for.
type ApprovalOptions struct {
	// ViewerID is the flowdeck.Person.ID of the user the card is built for,
	// to show "you already answered"; empty for the shared view.
	ViewerID string
	// UserIDs are the MRIs (29:…) put in refresh.userIds; only the first 60
	// are used. Nil leaves userIds out: Teams then refreshes automatically for
	// everyone in conversations of up to 60 members.
	UserIDs []string
	// Tab links to the personal tab's approvals page; nil leaves the button out.
	Tab TabLink
	// Portal is the cloud's Power Automate portal, for "Open in Power
	// Automate" when the approval carries no Link; zero leaves it out.
	Portal flowdeck.Portal
	// Shared is the card a message extension inserts: its buttons and
	// refresh carry ApprovalData.Shared.
	Shared bool
}

// Approval returns the card a viewer should see now: ApprovalCompleted once
// the approval is no longer pending, ApprovalAlreadyAnswered when the viewer
// has answered, ApprovalRequest otherwise. It is what the approval.refresh
// handler returns.
func Approval(a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	if a.Status != flowdeck.ApprovalPending {
		return ApprovalCompleted(a, o)
	}
	if _, ok := viewerResponse(a, o.ViewerID); ok {
		return ApprovalAlreadyAnswered(a, o)
	}
	return ApprovalRequest(a, o)
}

// ApprovalRequest is the actionable card: the request, everyone's responses so
// far, a comment box and one approval.respond button per option (a choice
// list and a Submit button when there are more than four options). When the
// approval's options are unknown it offers no button that could fail, only
// Open in Power Automate.
func ApprovalRequest(a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	c := approvalBase(a, o)
	if len(a.Options) == 0 {
		return approvalElsewhere(c, a, o)
	}
	c.Body = append(c.Body, &InputText{
		ID: "comment", Label: "Comment (optional)", Placeholder: "Add a comment",
		IsMultiline: true, MaxLength: maxComment, Spacing: "Medium",
	})
	data := ApprovalData{ApprovalID: a.ID, EnvironmentID: a.EnvironmentID, Shared: o.Shared}
	options := a.Options
	if len(options) <= maxOptionButtons {
		for _, opt := range options {
			d := data
			d.Response = opt
			c.Actions = append(c.Actions, &ExecuteAction{Title: label(opt), Verb: VerbApprovalRespond, Data: d, Style: optionStyle(opt)})
		}
	} else {
		choices := make([]Choice, len(options))
		for i, opt := range options {
			choices[i] = Choice{Title: label(opt), Value: opt}
		}
		c.Body = append(c.Body, &InputChoiceSet{
			ID: "response", Label: "Your response", Choices: choices, Style: "expanded",
			IsRequired: true, ErrorMessage: "Choose a response.",
		})
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Submit", Verb: VerbApprovalRespond, Data: data, Style: "positive"})
	}
	c.Actions = append(c.Actions, actions(o.Tab.action("Open approvals", ApprovalsSubEntity))...)
	return c
}

// approvalElsewhere finishes the card of a pending approval whose response
// options FlowDeck could not find: it says so and points at the portal.
func approvalElsewhere(c *AdaptiveCard, a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	c.Body = append(c.Body, &TextBlock{Text: "This approval has its own responses, and Power Automate did not tell FlowDeck what they are. " +
		"Respond in Power Automate.", Wrap: true, Spacing: "Medium"})
	portal := webURL(a.Link)
	if portal == "" {
		portal = o.Portal.ApprovalURL(a.EnvironmentID, a.ID, a.Role)
	}
	c.Actions = append(c.Actions, &OpenURLAction{Title: "Open in Power Automate", URL: portal})
	c.Actions = append(c.Actions, actions(o.Tab.action("Open approvals", ApprovalsSubEntity))...)
	return c
}

// ApprovalAnswered is the read-only card the acting user sees after answering
// with r: who answered what and when, with the comment, and everyone else's
// responses. It keeps refreshing while the approval is pending.
func ApprovalAnswered(a flowdeck.Approval, r flowdeck.ApprovalResponse, o ApprovalOptions) *AdaptiveCard {
	c := approvalBase(a, o)
	c.Body = append(c.Body, answerBlock(r, o.ViewerID)...)
	if a.AwaitAll {
		if n := len(waiting(a)); n > 0 {
			c.Body = append(c.Body, subtle("Waiting for "+count(n, "more approver", "more approvers")+"."))
		}
	}
	c.Actions = actions(o.Tab.action("Open approvals", ApprovalsSubEntity))
	return c
}

// ApprovalAlreadyAnswered is the read-only view for a viewer who has answered
// a still-pending approval (in Teams, by e-mail or in Power Automate).
func ApprovalAlreadyAnswered(a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	r, ok := viewerResponse(a, o.ViewerID)
	if !ok {
		return ApprovalRequest(a, o)
	}
	return ApprovalAnswered(a, r, o)
}

// ApprovalCompleted is the read-only final card: the outcome, when, and every
// response. It has no refresh: a completed approval never changes.
func ApprovalCompleted(a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	o.UserIDs = nil
	c := approvalBase(a, o)
	c.Refresh = nil
	result := orDash(a.Result)
	if a.Status != flowdeck.ApprovalCompleted && a.Result == "" {
		result = a.Status // Canceled, Expired, …
	}
	outcome := &TextBlock{Text: "Outcome: **" + Escape(label(result)) + "**", Wrap: true, Weight: "Bolder",
		Color: optionColor(result), Separator: true, Spacing: "Medium"}
	if !a.CompletedAt.IsZero() {
		outcome.Text += " · " + When(a.CompletedAt)
	}
	c.Body = append(c.Body, outcome)
	c.Actions = actions(o.Tab.action("Open approvals", ApprovalsSubEntity))
	c.FallbackText = "Approval " + result + ": " + Trim(OneLine(a.Title), maxTitle)
	return c
}

// approvalBase is the part every approval card shares: title, requester,
// dates, details, links, responses, and the refresh action while pending.
func approvalBase(a flowdeck.Approval, o ApprovalOptions) *AdaptiveCard {
	title := Trim(OneLine(a.Title), maxTitle)
	c := newCard("Approval requested: "+title,
		subtle("Approval request"),
		heading(Escape(title)),
	)
	meta := "Requested by " + person(a.Requester)
	if !a.CreatedAt.IsZero() {
		meta += " · " + When(a.CreatedAt)
	}
	c.Body = append(c.Body, &TextBlock{Text: meta, Wrap: true, IsSubtle: true, Spacing: "None"})
	if !a.DueAt.IsZero() {
		c.Body = append(c.Body, &TextBlock{Text: "Due " + When(a.DueAt), Wrap: true, Color: "Warning", Spacing: "None"})
	}
	if strings.TrimSpace(a.Details) != "" {
		c.Body = append(c.Body, &TextBlock{Text: SafeMarkdown(a.Details), Wrap: true, Spacing: "Medium"})
	}
	links := []Action{}
	for _, l := range a.ItemLinks {
		u := webURL(l.URL)
		if u == "" || len(links) == maxItemLinks {
			continue
		}
		t := l.Title
		if strings.TrimSpace(t) == "" {
			t = "Open item"
		}
		links = append(links, &OpenURLAction{Title: label(t), URL: u})
	}
	portal := webURL(a.Link)
	if portal == "" {
		portal = o.Portal.ApprovalURL(a.EnvironmentID, a.ID, a.Role)
	}
	if portal != "" {
		links = append(links, &OpenURLAction{Title: "Open in Power Automate", URL: portal})
	}
	c.Body = append(c.Body, &ActionSet{Actions: links})
	c.Body = append(c.Body, responsesBlock(a, o.ViewerID)...)
	if a.Status == flowdeck.ApprovalPending {
		ids := o.UserIDs
		if len(ids) > MaxRefreshUsers {
			ids = ids[:MaxRefreshUsers]
		}
		c.Refresh = &Refresh{
			Action:  &ExecuteAction{Title: "Refresh", Verb: VerbApprovalRefresh, Data: ApprovalData{ApprovalID: a.ID, EnvironmentID: a.EnvironmentID, Shared: o.Shared}},
			UserIDs: ids,
		}
	}
	return c
}

// responsesBlock lists the latest responses (at most 20), and for
// everyone-must-answer approvals who has not answered yet.
func responsesBlock(a flowdeck.Approval, viewerID string) []Element {
	if len(a.Responses) == 0 && !a.AwaitAll {
		return nil
	}
	head := "Responses"
	if a.AwaitAll && len(a.Approvers) > 0 {
		head += " (" + strconv.Itoa(len(a.Responses)) + " of " + strconv.Itoa(len(a.Approvers)) + ", everyone must respond)"
	}
	out := []Element{&TextBlock{Text: head, Weight: "Bolder", Wrap: true, Separator: true, Spacing: "Medium"}}
	rs := a.Responses
	if len(rs) > maxResponses {
		out = append(out, subtle(count(len(rs)-maxResponses, "earlier response", "earlier responses")+" not shown."))
		rs = rs[len(rs)-maxResponses:]
	}
	if len(rs) == 0 {
		out = append(out, subtle("No responses yet."))
	}
	for _, r := range rs {
		out = append(out, answerBlock(r, viewerID)...)
	}
	if w := waiting(a); len(w) > 0 && a.Status == flowdeck.ApprovalPending {
		out = append(out, waitingFor(w))
	}
	return out
}

// waitingFor names the approvers still to answer, the first
// maxWaitingNames of them, then how many more.
func waitingFor(w []flowdeck.Person) Element {
	names := make([]string, 0, maxWaitingNames)
	for _, p := range w[:min(len(w), maxWaitingNames)] {
		names = append(names, person(p))
	}
	text := "Waiting for " + strings.Join(names, ", ")
	if len(w) > maxWaitingNames {
		text += " and " + strconv.Itoa(len(w)-maxWaitingNames) + " more"
	}
	return subtle(text + ".")
}

// answerBlock is one response: who, what, when, and the comment as typed.
func answerBlock(r flowdeck.ApprovalResponse, viewerID string) []Element {
	who := person(r.Responder)
	if viewerID != "" && r.Responder.ID == viewerID {
		who = "You"
	}
	line := &TextBlock{Text: who + " answered **" + Escape(label(r.Response)) + "**", Wrap: true, Color: optionColor(r.Response), Spacing: "Small"}
	if !r.CreatedAt.IsZero() {
		line.Text += " · " + When(r.CreatedAt)
	}
	out := []Element{line}
	if strings.TrimSpace(r.Comments) != "" {
		rt := literal(r.Comments, maxComment, true)
		rt.Spacing = "None"
		out = append(out, rt)
	}
	return out
}

// viewerResponse returns the viewer's own response to a.
func viewerResponse(a flowdeck.Approval, viewerID string) (flowdeck.ApprovalResponse, bool) {
	if viewerID == "" {
		return flowdeck.ApprovalResponse{}, false
	}
	for i := len(a.Responses) - 1; i >= 0; i-- {
		if a.Responses[i].Responder.ID == viewerID {
			return a.Responses[i], true
		}
	}
	return flowdeck.ApprovalResponse{}, false
}

// waiting returns the approvers who have not responded, in a.Approvers order.
func waiting(a flowdeck.Approval) []flowdeck.Person {
	var out []flowdeck.Person
	for _, p := range a.Approvers {
		answered := false
		for _, r := range a.Responses {
			if r.Responder.ID == p.ID {
				answered = true
				break
			}
		}
		if !answered {
			out = append(out, p)
		}
	}
	return out
}

func optionStyle(opt string) string {
	switch opt {
	case flowdeck.ResponseApprove:
		return "positive"
	case flowdeck.ResponseReject:
		return "destructive"
	}
	return ""
}

func optionColor(opt string) string {
	switch opt {
	case flowdeck.ResponseApprove:
		return "Good"
	case flowdeck.ResponseReject:
		return "Attention"
	}
	return ""
}
