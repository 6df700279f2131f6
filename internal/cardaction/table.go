package cardaction

import (
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// verb is one row of the table: what a button does.
type verb struct {
	// changes: the verb changes something upstream or in the store. Its
	// handler does the change inside rt.claim, so that two clicks on the
	// same card and target (double click, two clients, two replicas) do it
	// once; approval.respond claims once per approval and user, across
	// every card of the approval.
	changes bool
	// run answers the invocation. It validates in.data first (a safe error
	// card, nothing upstream), then applies the sign-in policy
	// (rt.ensureToken), then acts as the invoker.
	run func(rt *Router, in *invocation) *botframework.InvokeResponse
}

// table is every Action.Execute verb FlowDeck's cards carry.
var table = map[string]verb{
	cards.VerbApprovalRespond: {changes: true, run: (*Router).approval},
	cards.VerbApprovalRefresh: {run: (*Router).approval},
	// approval.open posts the approval's card, once per list card.
	cards.VerbApprovalOpen:  {changes: true, run: (*Router).approvalOpen},
	cards.VerbAlertResubmit: {changes: true, run: (*Router).alert},
	cards.VerbAlertCancel:   {changes: true, run: (*Router).alert},
	cards.VerbAlertTurnOff:  {changes: true, run: (*Router).alert},
	cards.VerbAlertMute:     {changes: true, run: (*Router).alert},
	cards.VerbBulkResubmit:  {changes: true, run: (*Router).bulk},
	cards.VerbBulkCancel:    {changes: true, run: (*Router).bulk},
	cards.VerbBulkFailed:    {run: (*Router).bulkFailed},
	cards.VerbRunDetails:    {run: (*Router).runDetails},
	cards.VerbFlowOff:       {changes: true, run: (*Router).flowOff},
	cards.VerbPick:          {run: (*Router).pick},
	cards.VerbListMore:      {run: (*Router).listMore},
	cards.VerbSignIn:        {run: (*Router).signIn},
	// defaults.choose sets what arrives with no setup, once per card, user and choice.
	cards.VerbDefaultsChoose: {changes: true, run: (*Router).defaults},
	// The live cards of the message extension (live.go).
	cards.VerbFlowRefresh: {run: (*Router).flowRefresh},
	cards.VerbRunRefresh:  {run: (*Router).runRefresh},
	cards.VerbFlowState:   {changes: true, run: (*Router).flowState},
}

// claim runs do at most once per card and click target: the conversation,
// the card's activity (replyToId), the verb and target, the normalised data
// the change applies to (a run id, the sorted run ids of a bulk card).
func (rt *Router) claim(in *invocation, target string, do func() error) (ran bool, err error) {
	n := flowdeck.Notification{
		Key:      claimKey(in, target),
		TenantID: in.p.TenantID, ConversationID: in.conv, ActivityID: in.replyTo,
	}
	return rt.once(in.ctx, n, do)
}

// claimKey is the NotificationLog key of rt.claim.
func claimKey(in *invocation, target string) string {
	return "action:" + in.verb + ":" + in.conv + ":" + in.replyTo + ":" + strings.ToLower(target)
}

// claimed reports whether rt.claim of target ran (or runs) already: the
// answer for a repeated click, before any upstream read.
func (rt *Router) claimed(in *invocation, target string) bool {
	_, err := rt.o.Idempotency.GetNotification(in.ctx, claimKey(in, target))
	return err == nil
}
