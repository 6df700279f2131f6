package cards

import (
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ApprovalsCard lists approvals; title says which box ("Approvals waiting
// for you", "Approvals you sent"). A pending approval the viewer can answer
// has an Answer button (approval.open: the approval's own card, answered
// with approval.respond, is posted into the chat); a sent approval lists
// every response so far, with comments, and who has not answered yet.
func ApprovalsCard(title string, as []flowdeck.Approval, p Page, l Links) *AdaptiveCard {
	c := listCard(Escape(Trim(OneLine(title), maxName)), len(as), p, "No approvals.")
	for _, a := range firstN(as) {
		line := "From " + person(a.Requester) + " · " + When(a.CreatedAt)
		if !a.DueAt.IsZero() {
			line += " · due " + When(a.DueAt)
		}
		status := name(a.Status)
		if a.Result != "" {
			status += " · " + name(a.Result)
		}
		link := webURL(a.Link)
		if link == "" {
			link = l.Portal.ApprovalURL(a.EnvironmentID, a.ID, a.Role)
		}
		var answer Action
		if a.Status == flowdeck.ApprovalPending && a.Role != flowdeck.RoleOwner {
			answer = &ExecuteAction{Title: "Answer", Verb: VerbApprovalOpen, Style: "positive",
				Data: ApprovalData{ApprovalID: a.ID, EnvironmentID: a.EnvironmentID}}
		}
		r := row("**"+Escape(Trim(OneLine(a.Title), maxTitle))+"**", []string{line, status},
			answer, portalLink("Open in Power Automate", link))
		if a.Role == flowdeck.RoleOwner {
			r.Items = append(r.Items, sentResponses(a)...)
		}
		c.Body = append(c.Body, r)
	}
	c.Actions = actions(p.more(), l.Tab.action("Open approvals", ApprovalsSubEntity))
	return c
}

// sentResponses is who answered a sent approval (response, when and
// comment) and, while it is pending, who has not answered yet.
func sentResponses(a flowdeck.Approval) []Element {
	var out []Element
	rs := a.Responses
	if len(rs) > maxResponses {
		out = append(out, subtle(count(len(rs)-maxResponses, "earlier response", "earlier responses")+" not shown."))
		rs = rs[len(rs)-maxResponses:]
	}
	for _, r := range rs {
		out = append(out, answerBlock(r, "")...)
	}
	if a.Status != flowdeck.ApprovalPending {
		return out
	}
	w := waiting(a)
	switch {
	case len(w) > 0:
		out = append(out, waitingFor(w))
	case len(a.Responses) == 0:
		out = append(out, subtle("No responses yet."))
	}
	return out
}
