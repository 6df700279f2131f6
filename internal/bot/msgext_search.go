package bot

import (
	"context"
	"regexp"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// searchKinds maps the search commands to what ops.Search looks for.
var searchKinds = map[string]string{
	CommandSearchFlows: ops.SearchFlows, CommandSearchFailed: ops.SearchFailed, CommandSearchApprovals: ops.SearchApprovals,
}

// maxSkip bounds queryOptions.skip: nobody scrolls further in a compose box.
const maxSkip = 1000

// meQuery answers composeExtension/query: the user's flows, recent failed
// runs or pending approvals matching the text typed, as previews whose tap
// sends composeExtension/selectItem with what to insert.
func (b *Bot) meQuery(ctx context.Context, v meValue) *botframework.InvokeResponse {
	kind, ok := searchKinds[v.CommandID]
	if !ok {
		return meMessage("FlowDeck does not know that search. Update the FlowDeck app and try again.")
	}
	text := ""
	for _, p := range v.Parameters {
		if s, ok := p.Value.(string); ok && p.Name != "initialRun" {
			text = s
			break
		}
	}
	skip, count := v.QueryOptions.Skip, v.QueryOptions.Count
	if count <= 0 || count > ops.MaxSearchResults {
		count = ops.MaxSearchResults
	}
	if skip < 0 || skip > maxSkip {
		skip = 0
	}
	res, err := b.o.Ops.Search(ctx, kind, flowdeck.Clip(text, ops.MaxSearchText), skip, count)
	if err != nil {
		return meMessage(flowdeck.Message(err))
	}
	out := MEResult{Type: "result", AttachmentLayout: "list", Attachments: []MEAttachment{}}
	for _, h := range res.Hits {
		p := hitPreview(h)
		out.Attachments = append(out.Attachments, MEAttachment{ContentType: cards.ContentTypeThumbnail, Content: p,
			Preview: &MEPreviewCard{ContentType: cards.ContentTypeThumbnail, Content: p}})
	}
	return meAnswer(out)
}

// hitPreview is a search hit's preview, its tap the selection to insert.
func hitPreview(h ops.SearchHit) *cards.ThumbnailCard {
	switch h.Kind {
	case ops.SearchFailed:
		sub := "Failed " + h.Run.StartTime.UTC().Format("2 Jan 15:04") + " UTC"
		text := ""
		if h.Failed != nil {
			sub += " at " + h.Failed.Name
			text = h.Failed.ErrorMessage
		}
		return cards.Preview(h.Flow.DisplayName, sub, text,
			selection{Kind: flowdeck.LinkRun, EnvironmentID: h.Run.EnvironmentID, FlowID: h.Run.FlowID, RunID: h.Run.ID})
	case ops.SearchApprovals:
		return cards.Preview(h.Approval.Title, "Waiting for your answer", "Requested by "+flowdeck.Clip(h.Approval.Requester.Name, 80),
			selection{Kind: flowdeck.LinkApproval, EnvironmentID: h.Approval.EnvironmentID, ApprovalID: h.Approval.ID})
	}
	state := map[string]string{flowdeck.FlowStarted: "On", flowdeck.FlowStopped: "Off", flowdeck.FlowSuspended: "Suspended"}[h.Flow.State]
	return cards.Preview(h.Flow.DisplayName, "Flow · "+state, h.Flow.Trigger,
		selection{Kind: flowdeck.LinkFlow, EnvironmentID: h.Flow.EnvironmentID, FlowID: h.Flow.ID})
}

// selection is a preview's tap value: what to insert.
type selection struct {
	Kind          string `json:"kind"`
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId,omitempty"`
	RunID         string `json:"runId,omitempty"`
	ApprovalID    string `json:"approvalId,omitempty"`
}

var (
	selGUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	selEnv  = regexp.MustCompile(`^(?:Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	selRun  = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)
)

// parseSelection reads selectItem's value strictly: a kind, and the ids it
// needs, each of its form; nothing else.
func parseSelection(v map[string]any) (selection, error) {
	bad := flowdeck.Errorf(flowdeck.ErrInvalid, "FlowDeck did not understand that choice. Search again.")
	allowed := map[string]bool{"kind": true, "environmentId": true, "flowId": true, "runId": true, "approvalId": true}
	for k := range v {
		if !allowed[k] {
			return selection{}, bad
		}
	}
	var s selection
	if decodeValue(v, &s) != nil || !selEnv.MatchString(s.EnvironmentID) {
		return selection{}, bad
	}
	ok := false
	switch s.Kind {
	case flowdeck.LinkFlow:
		ok = selGUID.MatchString(s.FlowID) && s.RunID == "" && s.ApprovalID == ""
	case flowdeck.LinkRun:
		ok = selGUID.MatchString(s.FlowID) && selRun.MatchString(s.RunID) && s.ApprovalID == ""
	case flowdeck.LinkApproval:
		ok = selGUID.MatchString(s.ApprovalID) && s.FlowID == "" && s.RunID == ""
	}
	if !ok {
		return selection{}, bad
	}
	return s, nil
}

// meSelect answers composeExtension/selectItem with the live card to insert.
func (b *Bot) meSelect(ctx context.Context, r *request, s selection) *botframework.InvokeResponse {
	c, _, err := b.liveCard(ctx, r, flowdeck.PortalLink{Kind: s.Kind, EnvironmentID: s.EnvironmentID, FlowID: s.FlowID, RunID: s.RunID, ApprovalID: s.ApprovalID})
	if err != nil {
		return meMessage(flowdeck.Message(err))
	}
	return meAnswer(MEResult{Type: "result", AttachmentLayout: "list",
		Attachments: []MEAttachment{{ContentType: botframework.ContentTypeAdaptiveCard, Content: c}}})
}
