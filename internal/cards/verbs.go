package cards

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Action.Execute verbs. The bot dispatches adaptiveCard/action invokes on them.
const (
	VerbApprovalRespond = "approval.respond"
	VerbApprovalRefresh = "approval.refresh"
	// VerbApprovalOpen posts an approval's full card (the one the monitor
	// posts, answered with approval.respond) into the chat: the Answer
	// button of the approvals list.
	VerbApprovalOpen  = "approval.open"
	VerbAlertResubmit = "alert.resubmit"
	VerbAlertCancel   = "alert.cancel"
	VerbAlertTurnOff  = "alert.turnoff"
	VerbAlertMute     = "alert.mute"
	VerbBulkResubmit  = "bulk.resubmit"
	VerbBulkCancel    = "bulk.cancel"
	// VerbBulkFailed asks to resubmit every failed run of a flow in a
	// window: it answers with the bulk.resubmit confirmation card.
	VerbBulkFailed = "bulk.failed"
	// VerbRunDetails answers with a run's card (RunCard).
	VerbRunDetails = "run.details"
	VerbFlowOff    = "flow.off"
	VerbListMore   = "list.more"
	VerbPick       = "pick"
	VerbSignIn     = "signin"
	// VerbFlowRefresh and VerbRunRefresh are the refresh actions of the live
	// flow and run cards a message extension inserts (FlowLive, RunLive):
	// each viewer gets the card as it is now, read with their own tokens.
	VerbFlowRefresh = "flow.refresh"
	VerbRunRefresh  = "run.refresh"
	// VerbFlowState turns a flow on or off from a live flow card (FlowStateData).
	VerbFlowState = "flow.state"
)

// FlowStateData is the data of flow.state; FlowRefreshData of flow.refresh.
type FlowStateData struct {
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
	On            bool   `json:"on"`
}

// FlowRefreshData is the data of flow.refresh.
type FlowRefreshData struct {
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
}

// ApprovalData is the data of the approval.respond and approval.refresh
// actions. Teams merges the comment box into it as "comment", and, when an
// approval has more options than fit as buttons, the chosen option as
// "response" (from the Input.ChoiceSet with id "response").
type ApprovalData struct {
	ApprovalID    string `json:"approvalId"`
	EnvironmentID string `json:"environmentId"`
	Response      string `json:"response,omitempty"`
	Comment       string `json:"comment,omitempty"`
	// Shared marks the approval card a message extension inserted into a
	// conversation (a user's message, so FlowDeck recorded no state for
	// it): its actions read the approval live as the viewer.
	Shared bool `json:"shared,omitempty"`
}

// RunData is the data of the alert.* actions and of flow.off (no RunID). Confirm is true on the button
// of a confirmation card.
type RunData struct {
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
	RunID         string `json:"runId,omitempty"`
	Confirm       bool   `json:"confirm,omitempty"`
}

// BulkData is the data of the bulk.resubmit and bulk.cancel confirm buttons.
type BulkData struct {
	Runs    []RunData `json:"runs"`
	Confirm bool      `json:"confirm"`
}

// BulkFailedData is the data of bulk.failed: the flow and the window
// ("24h" or "7d") whose failed runs to resubmit.
type BulkFailedData struct {
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
	Window        string `json:"window"`
}

// MoreData is the data of list.more: the command to run again and the cursor
// of the next page.
type MoreData struct {
	Command string `json:"command"`
	Cursor  string `json:"cursor"`
}

// PickData is the data of pick: the original command and the candidate chosen.
type PickData struct {
	Command string `json:"command"`
	Choice  string `json:"choice"`
}

// Links are where a card's links point: the personal tab and the configured
// cloud's Power Automate portal.
type Links struct {
	// Tab links to the personal tab; nil leaves tab links out.
	Tab TabLink
	// Portal is the cloud's Power Automate portal; the zero Portal leaves
	// portal links out.
	Portal flowdeck.Portal
	// Zone is the viewer's time zone from their settings, for the run
	// lists' times; nil shows them in UTC and says so.
	Zone *time.Location
}

// portalLink is an Action.OpenUrl to a portal page, or nil (left out) when
// there is no URL.
func portalLink(title, u string) Action {
	if u == "" {
		return nil
	}
	return &OpenURLAction{Title: title, URL: u}
}

// TabLink builds a deep link to the personal tab that opens subEntityID
// (see the *SubEntity functions). A nil TabLink leaves tab links out.
type TabLink func(subEntityID string) string

// TeamsTabLink returns the TabLink of the personal tab entityID ("dashboard")
// of the Teams app appID, on the configured cloud's Teams web client
// teamsWeb (https:// + cloud.Cloud.TeamsHost, e.g. https://teams.microsoft.com):
// <teamsWeb>/l/entity/<appID>/<entityID>?context={"subEntityId":"…"} (URL-encoded).
func TeamsTabLink(teamsWeb, appID, entityID string) TabLink {
	base := strings.TrimSuffix(teamsWeb, "/")
	return func(sub string) string {
		ctx, _ := json.Marshal(struct {
			SubEntityID string `json:"subEntityId"`
		}{sub})
		return base + "/l/entity/" + url.PathEscape(appID) + "/" + url.PathEscape(entityID) +
			"?context=" + url.QueryEscape(string(ctx))
	}
}

// FlowSubEntity is the tab's sub-entity of a flow: "flow:<env>:<flow>".
func FlowSubEntity(environmentID, flowID string) string {
	return "flow:" + environmentID + ":" + flowID
}

// Tab sub-entities of the tab's pages.
const (
	ApprovalsSubEntity = "approvals"
	FailuresSubEntity  = "failures"
)

func (l TabLink) action(title, sub string) Action {
	if l == nil {
		return nil
	}
	return &OpenURLAction{Title: title, URL: l(sub)}
}

// actions drops nil entries.
func actions(as ...Action) []Action {
	out := make([]Action, 0, len(as))
	for _, a := range as {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// newCard returns a 1.5 card with body, full width in Teams.
func newCard(fallback string, body ...Element) *AdaptiveCard {
	return &AdaptiveCard{Schema: Schema, Version: Version, Body: body, FallbackText: fallback, MSTeams: &MSTeams{Width: "Full"}}
}

// heading is a card's title line (already escaped).
func heading(text string) *TextBlock {
	return &TextBlock{Text: text, Wrap: true, Size: "Medium", Weight: "Bolder", Style: "heading"}
}

// para is a wrapped paragraph (already escaped).
func para(text string) *TextBlock { return &TextBlock{Text: text, Wrap: true} }

// subtle is a small grey line (already escaped).
func subtle(text string) *TextBlock {
	return &TextBlock{Text: text, Wrap: true, IsSubtle: true, Size: "Small", Spacing: "None"}
}

// literal is user text shown exactly as typed (no markdown), trimmed to max.
func literal(s string, max int, italic bool) *RichTextBlock {
	return &RichTextBlock{Inlines: []TextRun{{Text: Trim(s, max), Italic: italic}}}
}
