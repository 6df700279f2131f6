package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// Operations is the port the personal tab's JSON API calls: what a user can
// do, implemented once in ops (*ops.Service implements it). Every method runs
// as the principal in ctx. Errors carry a flowdeck kind: ErrInvalid for input
// ops rejects, ErrUnauthenticated without a principal, ErrNotFound,
// ErrConflict, ErrForbidden, ErrConsentRequired, ErrInteractionRequired,
// ErrThrottled and ErrUnavailable from upstream, ErrInternal otherwise.
type Operations interface {
	// Dashboard gathers failures in window ("24h" or "7d"), flows off,
	// broken connections and pending approvals.
	Dashboard(ctx context.Context, window string) (ops.Dashboard, error)
	DashboardSnapshot(ctx context.Context, window string) (ops.Dashboard, bool, error)
	DashboardLive(ctx context.Context, window string, refresh bool, each func(ops.FailingFlow)) (ops.Dashboard, error)
	// Environments lists the user's environments.
	Environments(ctx context.Context) ([]flowdeck.Environment, error)
	// Flows filters, sorts and pages the flows of every environment.
	Flows(ctx context.Context, q ops.FlowQuery) (ops.FlowList, error)
	// Flow returns one flow.
	Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error)
	// SetFlowState turns a flow on or off and returns it as it is now.
	SetFlowState(ctx context.Context, env, flowID string, on bool) (flowdeck.Flow, error)
	// Runs lists one page of a flow's runs, newest first.
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (ops.RunPage, error)
	// Run returns one run with its actions and its failed action.
	Run(ctx context.Context, env, flowID, runID string) (ops.RunDetail, error)
	// RunContent returns the inputs or outputs of a run's trigger (action "")
	// or action, read server-side; secure content is never read.
	RunContent(ctx context.Context, env, flowID, runID, action, part string) (flowdeck.RunContent, error)
	// Resubmit resubmits runs and reports each outcome.
	Resubmit(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	// Cancel cancels runs and reports each outcome.
	Cancel(ctx context.Context, env, flowID string, runIDs []string) ([]ops.RunResult, error)
	// Approvals lists received (flowdeck.RoleApprover) or sent
	// (flowdeck.RoleOwner) approvals, pending (active) or not.
	Approvals(ctx context.Context, role string, active bool) (ops.ApprovalsReport, error)
	// Approval returns one approval with everyone's responses.
	Approval(ctx context.Context, env, id string) (flowdeck.Approval, error)
	// Respond answers an approval and returns it as it is now.
	Respond(ctx context.Context, env, id, response, comments string) (flowdeck.Approval, error)
	// Connections lists the user's connections, broken ones first.
	Connections(ctx context.Context) (ops.ConnectionsReport, error)
	// Apps lists the user's Power Apps.
	Apps(ctx context.Context) (ops.AppsReport, error)
	// Settings returns the user's notification settings.
	Settings(ctx context.Context) (flowdeck.UserSettings, error)
	// SetSettings validates and stores the user's notification settings.
	SetSettings(ctx context.Context, st flowdeck.UserSettings) (flowdeck.UserSettings, error)
	// Watches lists the user's subscriptions.
	Watches(ctx context.Context) ([]flowdeck.Subscription, error)
	// Watch subscribes the user to a target.
	Watch(ctx context.Context, sub flowdeck.Subscription) (flowdeck.Subscription, error)
	// Unwatch removes one of the user's subscriptions.
	Unwatch(ctx context.Context, id string) error
	// CreateJob stores a bulk job for the background worker, or returns the
	// user's job with the same idempotency key.
	CreateJob(ctx context.Context, req ops.JobRequest) (flowdeck.BulkJob, error)
	// Job returns one of the user's bulk jobs with the result of each run.
	Job(ctx context.Context, id string) (ops.JobView, error)
	// Jobs lists the user's recent bulk jobs, newest first.
	Jobs(ctx context.Context) ([]flowdeck.BulkJob, error)
	// RetryJob makes a job of the runs of a job that failed.
	RetryJob(ctx context.Context, id, key string) (flowdeck.BulkJob, error)
	// ResumeJob moves the user's paused job back to work.
	ResumeJob(ctx context.Context, id string) (flowdeck.BulkJob, error)
	// ChatInvite says whether FlowDeck reaches the user in their personal
	// chat, and the deep link that opens it when not.
	ChatInvite(ctx context.Context) (ops.ChatInvite, error)
}

// Cache-Control values of the tab API. Only listings that are the same for a
// few seconds anyway (the upstream clients cache them) may be kept briefly,
// and only by the user's own browser; everything else, errors included, is
// no-store.
const (
	cacheBriefly = "private, max-age=30"
	cacheNever   = "no-store"
)

// tab holds what the tab API handlers need.
type tab struct {
	ops     Operations
	signOut func(ctx context.Context, p flowdeck.Principal) error
	now     func() time.Time
}

// tabRoutes registers the personal tab's JSON API on the authenticated /api
// group when Options.Ops is set; POST /api/signout also needs Options.SignOut.
// Each resource registers its own routes (tab_*.go).
//
// CSRF: every route sits behind the Teams SSO bearer token, which a browser
// never attaches on its own to a cross-site request, so a forged form post
// cannot act as the user. Requiring application/json on mutating requests
// (see decodeJSON and noBody) additionally forces a CORS preflight.
func (s *Server) tabRoutes() {
	if s.opts.Ops == nil {
		return
	}
	t := &tab{ops: s.opts.Ops, signOut: s.opts.SignOut, now: s.opts.Now}
	if t.now == nil {
		t.now = time.Now
	}
	t.dashboardRoutes(s.api)
	t.chatRoutes(s.api)
	t.environmentRoutes(s.api)
	t.flowRoutes(s.api)
	t.runRoutes(s.api)
	t.jobRoutes(s.api)
	t.approvalRoutes(s.api)
	t.connectionRoutes(s.api)
	t.appRoutes(s.api)
	t.settingsRoutes(s.api)
	t.watchRoutes(s.api)
	t.signOutRoutes(s.api)
}

// noStore marks a response as not cacheable before the handler runs, so
// errors are never cached either; cacheable handlers override it on success.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", cacheNever)
		return next(c)
	}
}

// okBriefly answers 200 with v, cacheable by the user's browser for 30 s.
func okBriefly(c echo.Context, v any) error {
	c.Response().Header().Set("Cache-Control", cacheBriefly)
	return c.JSON(http.StatusOK, v)
}

// ctxOf is the request's context (principal, deadline, request id).
func ctxOf(c echo.Context) context.Context { return c.Request().Context() }
