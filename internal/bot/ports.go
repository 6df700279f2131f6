package bot

import (
	"context"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// Ops is what the bot calls of the operations (*ops.Service).
type Ops interface {
	Environments(ctx context.Context) ([]flowdeck.Environment, error)
	Flows(ctx context.Context, q ops.FlowQuery) (ops.FlowList, error)
	FindFlows(ctx context.Context, environment, text string) ([]ops.FlowRow, error)
	SuggestFlows(ctx context.Context, environment, text string, max int) ([]ops.FlowRow, error)
	Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error)
	SetFlowState(ctx context.Context, env, flowID string, on bool) (flowdeck.Flow, error)
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (ops.RunPage, error)
	Run(ctx context.Context, env, flowID, runID string) (ops.RunDetail, error)
	Resubmit(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	Cancel(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	Approvals(ctx context.Context, role string, active bool) (ops.ApprovalsReport, error)
	Approval(ctx context.Context, env, id string) (flowdeck.Approval, error)
	Apps(ctx context.Context) (ops.AppsReport, error)
	Connections(ctx context.Context) (ops.ConnectionsReport, error)
	Dashboard(ctx context.Context, window string) (ops.Dashboard, error)
	Watch(ctx context.Context, sub flowdeck.Subscription) (flowdeck.Subscription, error)
	Watches(ctx context.Context) ([]flowdeck.Subscription, error)
	Unwatch(ctx context.Context, id string) error
	UnwatchAll(ctx context.Context) (int, error)
	Settings(ctx context.Context) (flowdeck.UserSettings, error)
	SetSettings(ctx context.Context, st flowdeck.UserSettings) (flowdeck.UserSettings, error)
	WatchByDefault(ctx context.Context) (flowdeck.Subscription, bool, error)
	Search(ctx context.Context, kind, text string, skip, count int) (ops.SearchResult, error)
}

var _ Ops = (*ops.Service)(nil)

// Tokens is the token broker (*identity.Broker): the OBO exchange of the
// bot's sign-in, sign-out, and whether each upstream service is reachable.
type Tokens interface {
	Exchange(ctx context.Context, p flowdeck.Principal, assertion flowdeck.Assertion) (map[string]error, error)
	SignOut(ctx context.Context, p flowdeck.Principal) error
	Access(ctx context.Context, p flowdeck.Principal) []flowdeck.Access
}

// SSOVerifier verifies a Teams SSO token (*identity.Verifier).
type SSOVerifier interface {
	Principal(ctx context.Context, raw string) (flowdeck.Principal, error)
}

// Consent starts the interactive sign-in and consent flow (*identity.Consent).
type Consent interface {
	StartURL(p flowdeck.Principal, loginHint string, audiences []string, prompt string) (string, error)
	// ExplainMissingPermission turns Power Platform's refusal for a missing
	// permission into a sentence naming it, with the admin-consent link in
	// Detail[flowdeck.DetailAdminConsentURL]; other errors come back unchanged.
	ExplainMissingPermission(p flowdeck.Principal, err error) error
}

// Connector is what the bot calls of the Bot Connector (*botframework.Client).
type Connector interface {
	SendToConversation(ctx context.Context, serviceURL, conversationID string, a *schema.Activity) (string, error)
	ReplyToActivity(ctx context.Context, serviceURL, conversationID, activityID string, a *schema.Activity) (string, error)
	SendTyping(ctx context.Context, serviceURL, conversationID string) error
	CreateConversation(ctx context.Context, serviceURL, tenantID, botID, userID string) (string, error)
}

var _ Connector = (*botframework.Client)(nil)
