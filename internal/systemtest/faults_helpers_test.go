package systemtest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

// The fault tests (faults_*_test.go) drive a whole stack — FlowDeck in serve
// mode against the local cloud — break one remote party at a time, and check
// what the user sees (tab API answers, bot replies, cards at the fake
// connector) and that nothing is lost (subscriptions, approval responses,
// watermarks, alerts delivered exactly once).

// faultEnv is the one environment of the fault tests' tenant.
const faultEnv = "Default-" + demo.TenantID

// faultWait bounds every wait of a fault test.
const faultWait = 40 * time.Second

// faultFlowName is the display name of u's one flow in faultTenant.
func faultFlowName(u demo.User) string { return "Invoice sync for " + u.Name }

// faultFlowID is the id of u's one flow in faultTenant.
func faultFlowID(u demo.User) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("flowdeck-fault-flow/"+u.ID)).String()
}

// faultTenant is a small tenant: one environment and, for each Contoso
// user, one started flow they own, with no history; the tests add the runs
// and approvals they need.
func faultTenant() *powerplatform.Tenant {
	users := demo.UsersOf(demo.TenantID)
	now := time.Now().UTC()
	t := &powerplatform.Tenant{Users: users, Environments: []*powerplatform.Environment{{
		Name: faultEnv, TenantID: demo.TenantID, DisplayName: "Contoso (default)", SKU: "Default",
		Location: "europe", IsDefault: true, Created: now.AddDate(-1, 0, 0),
	}}}
	for _, u := range users {
		t.Flows = append(t.Flows, &powerplatform.Flow{
			Name: faultFlowID(u), Environment: faultEnv, DisplayName: faultFlowName(u), OwnerID: u.ID,
			State:   powerplatform.StateStarted,
			Trigger: powerplatform.Trigger{Name: "Recurrence", Type: "Recurrence", Interval: time.Hour},
			Actions: []powerplatform.Action{
				{Name: "List_invoices", Type: "OpenApiConnection", Connector: "shared_sharepointonline", OperationID: "GetItems"},
				{Name: "Post_to_ledger", Type: "OpenApiConnection", Connector: "shared_webcontents", OperationID: "InvokeHttp"},
			},
			Failure: powerplatform.Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.",
				Action: "Post_to_ledger", ActionCode: "BadGateway", ActionMessage: "The ledger did not answer."},
			Duration: 4 * time.Second, Created: now.AddDate(0, -1, 0), Modified: now.AddDate(0, -1, 0),
		})
	}
	return t
}

// faultConfig is a serve configuration for the fault tests: a fresh SQLite
// store (or the database at dbURL), a short request timeout and a monitor
// cycling every two seconds (a tick of 200 ms, leases of 600 ms).
func faultConfig(t testing.TB, dbURL string) config.Config {
	t.Helper()
	c := localtest.Config(t)
	if dbURL != "" {
		c.DatabaseURL = dbURL
	}
	c.RequestTimeout = 4 * time.Second
	c.MonitorInterval = 2 * time.Second
	c.MonitorIdleDays = 0
	return c
}

// newFaultStack starts a stack on faultTenant with c.
func newFaultStack(t *testing.T, c config.Config) *stack {
	t.Helper()
	return newStack(t, localcloud.StackOptions{Config: c, Tenant: faultTenant()})
}

// faultCtx is the test's context, bounded by faultWait.
func faultCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), faultWait)
	t.Cleanup(cancel)
	return ctx
}

func principalOf(u demo.User) flowdeck.Principal {
	return flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
}

// signIn installs the app in u's personal chat, so that the monitor has
// somewhere to post, and then signs u in as the tab does (the broker's OBO
// exchange of a Teams SSO token, whose tokens the store keeps). For a user
// the tab has not signed in before, neither step makes the default
// subscription of a first sign-in (the install comes before the sign-in,
// and the tab's exchange is not the bot's): the fault tests choose what the
// monitor watches (watchAll), and until then it has no work for u.
// TestZeroSetupFirstSignIn signs in through the bot instead.
func (s *stack) signIn(ctx context.Context, t *testing.T, u demo.User) {
	t.Helper()
	if res, err := s.Driver.Install(ctx, u); err != nil || res.Status/100 != 2 {
		t.Fatalf("install for %s: %v, status %d", u.Name, err, res.Status)
	}
	s.waitCards(ctx, t, u, "Welcome to FlowDeck", 1) // the greeting goes out after the install's answer
	waitUntil(ctx, t, "the personal conversation is stored", func() bool {
		_, err := s.Main.Parts().Store.PersonalConversation(ctx, u.TenantID, u.ID)
		return err == nil
	})
	tok, err := s.SSOToken(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Main.Parts().Broker.Exchange(ctx, principalOf(u), flowdeck.NewAssertion(tok)); err != nil {
		t.Fatalf("sign %s in: %v", u.Name, err)
	}
}

// watchAll subscribes u to all their flows, watermark now.
func (s *stack) watchAll(ctx context.Context, t *testing.T, u demo.User) flowdeck.Subscription {
	t.Helper()
	sub, err := s.Main.Parts().Store.CreateSubscription(ctx, flowdeck.Subscription{TenantID: u.TenantID, UserID: u.ID,
		Target: flowdeck.WatchAll, Watermark: time.Now()})
	if err != nil {
		t.Fatalf("watch %s's flows: %v", u.Name, err)
	}
	return sub
}

// subscription returns u's subscription id as the store has it now.
func (s *stack) subscription(ctx context.Context, t *testing.T, u demo.User, id string) flowdeck.Subscription {
	t.Helper()
	subs, err := s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: u.TenantID, UserID: u.ID})
	if err != nil {
		t.Fatalf("list %s's subscriptions: %v", u.Name, err)
	}
	for _, sub := range subs {
		if sub.ID == id {
			return sub
		}
	}
	t.Fatalf("%s's subscription %s is gone", u.Name, id)
	return flowdeck.Subscription{}
}

// failRun adds a run of u's flow that failed just now and returns its start.
func (s *stack) failRun(t *testing.T, u demo.User) time.Time {
	t.Helper()
	start := time.Now()
	if _, err := s.Cloud.PowerPlatform.AddRun(faultEnv, faultFlowID(u), powerplatform.RunSpec{Start: start}); err != nil {
		t.Fatal(err)
	}
	return start
}

// addApproval adds a pending approval for u from another user and returns its id.
func (s *stack) addApproval(t *testing.T, u demo.User, title string) string {
	t.Helper()
	id, err := s.Cloud.PowerPlatform.AddApproval(powerplatform.Approval{Environment: faultEnv, Title: title,
		Details: "Raised by a fault test.", OwnerID: demo.Users()[5].ID, Approvers: []string{u.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitCards waits until the connector accepted at least n activities in
// u's personal chat that contain text, and returns those accepted so far.
func (s *stack) waitCards(ctx context.Context, t *testing.T, u demo.User, text string, n int) []connector.Record {
	t.Helper()
	conv := s.Driver.ConversationID(u)
	for k := 1; ; k++ {
		recs, err := s.Cloud.Connector.WaitFor(ctx, conv, k)
		if err != nil {
			t.Fatalf("waiting for %d activities with %q for %s: %v (got %d)", n, text, u.Name, err, len(matching(s.Cloud.Connector.Records(conv), text)))
		}
		k = len(recs)
		if got := matching(recs, text); len(got) >= n {
			return got
		}
	}
}

// cards returns the activities with text accepted in u's personal chat so far.
func (s *stack) cards(u demo.User, text string) []connector.Record {
	return matching(s.Cloud.Connector.Records(s.Driver.ConversationID(u)), text)
}

// matching returns the sends and replies among recs whose body contains text.
func matching(recs []connector.Record, text string) []connector.Record {
	var out []connector.Record
	for _, r := range recs {
		if (r.Op == connector.OpSend || r.Op == connector.OpReply) && strings.Contains(string(r.Raw), text) {
			out = append(out, r)
		}
	}
	return out
}

// ask sends text to the bot as u and returns the reply that follows it.
func (s *stack) ask(ctx context.Context, t *testing.T, u demo.User, text string) string {
	t.Helper()
	conv := s.Driver.ConversationID(u)
	before := len(s.Cloud.Connector.Records(conv))
	res, err := s.Driver.Say(ctx, u, text)
	if err != nil || res.Status/100 != 2 {
		t.Fatalf("say %q: %v, status %d", text, err, res.Status)
	}
	for {
		recs, err := s.Cloud.Connector.WaitFor(ctx, conv, before+1)
		if err != nil {
			t.Fatalf("no reply to %q: %v", text, err)
		}
		for _, r := range recs[before:] {
			if r.Op == connector.OpReply || r.Op == connector.OpSend {
				noSecrets(t, "the reply to "+text, string(r.Raw))
				return string(r.Raw)
			}
		}
		before = len(recs)
	}
}

// tabAnswer is one answer of the tab API, with its error body decoded.
type tabAnswer struct {
	answer
	err struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Detail  map[string]string `json:"detail"`
	}
}

// tab calls the tab API as u (a fresh SSO token) and decodes an error body.
func (s *stack) tab(ctx context.Context, t *testing.T, u demo.User, method, path, body string) tabAnswer {
	t.Helper()
	tok, err := s.SSOToken(u)
	if err != nil {
		t.Fatal(err)
	}
	var b any
	if body != "" {
		b = body
	}
	a := tabAnswer{answer: s.do(ctx, t, method, path, "Bearer "+tok, b)}
	noSecrets(t, method+" "+path, a.body)
	if a.status >= 400 {
		if err := json.Unmarshal([]byte(a.body), &a.err); err != nil || a.err.Message == "" {
			t.Fatalf("%s %s = %d with a body that is not {code, message}: %.300s", method, path, a.status, a.body)
		}
	}
	return a
}

// wantTabError checks an error answer of the tab: status, a message that
// contains every one of words, and never an upstream page or code.
func wantTabError(t *testing.T, what string, a tabAnswer, status int, words ...string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s = %d %.300s, want %d", what, a.status, a.body, status)
	}
	for _, w := range words {
		if !strings.Contains(a.err.Message, w) {
			t.Errorf("%s: message %q does not say %q", what, a.err.Message, w)
		}
	}
	for _, raw := range []string{"<html", "An unexpected error occurred", "Bad Gateway", "Rate limit is exceeded", "sqlstore", "pgx", "dial tcp"} {
		if strings.Contains(a.body, raw) {
			t.Errorf("%s shows the user %q: %.300s", what, raw, a.body)
		}
	}
}

// noSecrets fails the test when text holds something that looks like a
// token (a JWT, a bearer header), without printing it.
func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, "eyJ") || strings.Contains(strings.ToLower(text), "bearer ") {
		t.Errorf("%s contains what looks like a token", what)
	}
}

// waitUntil polls cond every 20 ms until it holds, or fails the test when
// ctx ends first. It is for states that no event announces.
func waitUntil(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting until %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// upstreamCalls returns the requests to route from u since since.
func (s *stack) upstreamCalls(route string, u demo.User, since time.Time) []powerplatform.LoggedRequest {
	var out []powerplatform.LoggedRequest
	for _, r := range s.Cloud.PowerPlatform.Requests() {
		if r.Route == route && strings.EqualFold(r.UserOID, u.ID) && !r.Time.Before(since) {
			out = append(out, r)
		}
	}
	return out
}
