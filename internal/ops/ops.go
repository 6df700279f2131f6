// Package ops is what a FlowDeck user can do — list, find, resubmit, cancel,
// turn on or off, answer approvals, watch flows — implemented once. The bot's
// commands, the tab's API and the monitor all call it, so no surface carries a
// second copy of the logic. Every method runs as the principal in its context
// (flowdeck.WithPrincipal), with that user's own delegated tokens.
package ops

import (
	"context"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Limits on what one request may ask.
const (
	// MaxBulk is the most runs one resubmit or cancel may name.
	MaxBulk = 50
	// MaxPageSize is the largest page of a listing.
	MaxPageSize = 200
	// bulkConcurrency is how many runs of a bulk action are worked on at once;
	// the upstream transport's per-user limit applies underneath.
	bulkConcurrency = 4
)

// FlowAPI is what ops needs of the Power Automate client (powerautomate.Client).
type FlowAPI interface {
	Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error)
	TurnOn(ctx context.Context, env, flowID string) error
	TurnOff(ctx context.Context, env, flowID string) error
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (flowdeck.RunPage, error)
	Run(ctx context.Context, env, flowID, runID string) (flowdeck.Run, error)
	RunActions(ctx context.Context, env, flowID, runID string) ([]flowdeck.Action, error)
	RunContent(ctx context.Context, env, flowID, runID, action, part string) (flowdeck.RunContent, error)
	Resubmit(ctx context.Context, env, flowID, runID string) error
	Cancel(ctx context.Context, env, flowID, runID string) error
	Approval(ctx context.Context, env, id string) (flowdeck.Approval, error)
	Respond(ctx context.Context, env, id, response, comments string) error
}

// OverviewAPI is the cross-environment view of Power Automate (powerautomate.Overview).
type OverviewAPI interface {
	Environments(ctx context.Context) ([]flowdeck.Environment, error)
	AllFlows(ctx context.Context) (flowdeck.FlowsReport, error)
	// CachedFlows is AllFlows from the overview's short-lived cache alone;
	// ok is false when that cache is cold. It asks nothing upstream.
	CachedFlows(ctx context.Context) (flowdeck.FlowsReport, bool)
	Failures(ctx context.Context, since time.Time) (flowdeck.FailureReport, error)
	// FailuresEach is Failures that hands each flow's failures to each as they arrive.
	FailuresEach(ctx context.Context, since time.Time, each func(flowdeck.FlowFailures)) (flowdeck.FailureReport, error)
	// FailuresWithin is FailuresEach that may reuse what the user's other
	// queries read less than maxAge ago (the report's AsOf says how long).
	FailuresWithin(ctx context.Context, since time.Time, maxAge time.Duration, each func(flowdeck.FlowFailures)) (flowdeck.FailureReport, error)
	// FailedRuns is the first page of a flow's failed runs since a time,
	// shared with the user's other queries of the last maxAge (a minute at most).
	FailedRuns(ctx context.Context, env, flowID string, since time.Time, maxAge time.Duration) (flowdeck.RunPage, error)
	FlowsOff(ctx context.Context) (flowdeck.FlowsReport, error)
	PendingApprovals(ctx context.Context) (flowdeck.ApprovalsReport, error)
	Approvals(ctx context.Context, role string, active bool) (flowdeck.ApprovalsReport, error)
	Forget(ctx context.Context)
}

// AppsAPI is what ops needs of the Power Apps client (powerapps.Client).
type AppsAPI interface {
	Apps(ctx context.Context, env string) ([]flowdeck.App, error)
	Connections(ctx context.Context, env string) ([]flowdeck.Connection, error)
}

// Options configure a Service.
type Options struct {
	// Flows is the Power Automate client and Overview its cross-environment view.
	Flows    FlowAPI
	Overview OverviewAPI
	// Apps is the Power Apps client.
	Apps AppsAPI
	// Subscriptions keeps watches and notification settings.
	Subscriptions flowdeck.SubscriptionStore
	// People names flow owners and approval requesters (graph.Names); nil
	// leaves them unnamed.
	People PeopleAPI
	// Portal is the configured cloud's Power Automate portal, for the links
	// of flows, runs and approvals; zero leaves them out.
	Portal flowdeck.Portal
	// Chats finds a user's personal chat with FlowDeck, BotID is the bot's
	// app id and TeamsWeb the cloud's Teams web client (https://host), for
	// ChatInvite; unset, the tab is offered no chat.
	Chats    ChatLookup
	BotID    string
	TeamsWeb string
	// Snapshots keeps each user's latest dashboard, shown at once while a
	// live one loads; nil keeps none (every dashboard is asked live).
	Snapshots flowdeck.SnapshotStore
	// SnapshotFresh is the age under which a snapshot answers instead of a
	// live query (default DefaultSnapshotFresh); RefreshEvery how often a
	// user's explicit refresh may ask live anyway (default DefaultRefreshEvery).
	SnapshotFresh time.Duration
	RefreshEvery  time.Duration
	// Jobs keeps the tab's bulk jobs, and WakeJobs tells the job worker a
	// new one is waiting; without Jobs, bulk jobs are unavailable.
	Jobs     flowdeck.BulkJobStore
	WakeJobs func()
	// Installer installs FlowDeck in a user's personal scope (graph.Client),
	// the app catalog's id of FlowDeck being CatalogAppID
	// (FLOWDECK_TEAMS_CATALOG_APP_ID); either unset, ChatInvite only links.
	Installer    ChatInstaller
	CatalogAppID string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service is the one implementation of FlowDeck's operations.
type Service struct {
	flows    FlowAPI
	overview OverviewAPI
	apps     AppsAPI
	subs     flowdeck.SubscriptionStore
	people   PeopleAPI
	portal   flowdeck.Portal
	chats    ChatLookup
	botID    string
	teamsWeb string
	snaps    flowdeck.SnapshotStore
	fresh    time.Duration
	refresh  time.Duration
	jobs     flowdeck.BulkJobStore
	wakeJobs func()
	now      func() time.Time

	installer    ChatInstaller
	catalogAppID string
	attempts     installAttempts
	// background runs the refreshes of stale snapshots (search_snapshot.go).
	background background
}

// New returns a Service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SnapshotFresh <= 0 {
		o.SnapshotFresh = DefaultSnapshotFresh
	}
	if o.RefreshEvery <= 0 {
		o.RefreshEvery = DefaultRefreshEvery
	}
	return &Service{flows: o.Flows, overview: o.Overview, apps: o.Apps, subs: o.Subscriptions, people: o.People, portal: o.Portal,
		chats: o.Chats, botID: o.BotID, teamsWeb: o.TeamsWeb, snaps: o.Snapshots, fresh: o.SnapshotFresh, refresh: o.RefreshEvery,
		jobs: o.Jobs, wakeJobs: o.WakeJobs, now: o.Now,
		installer: o.Installer, catalogAppID: o.CatalogAppID}
}

// principal returns the caller, or ErrUnauthenticated.
func principal(ctx context.Context) (flowdeck.Principal, error) {
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok || !p.Valid() {
		return flowdeck.Principal{}, flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	return p, nil
}

// Partial names an environment whose part of an answer is missing.
type Partial = flowdeck.EnvError

// Environments lists the user's environments.
func (s *Service) Environments(ctx context.Context) ([]flowdeck.Environment, error) {
	return s.overview.Environments(ctx)
}
