package bulkjob_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/bulkjob"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// TestWorkerPausesWhenSignInDies: Adele's sessions are revoked at Entra ID
// while her job runs, and her access token runs out (the clock moves 70
// minutes) while the job's third resubmission waits at Power Platform: that
// one is refused (401, not applied) and FlowDeck cannot get her a new token.
// The job pauses: the runs not done are pending, none failed, none was sent
// twice, and the job says to sign in and resume. She signs in again and
// resumes: the job finishes, every run resubmitted exactly once.
func TestWorkerPausesWhenSignInDies(t *testing.T) {
	ctx := t.Context()
	w := newWorld(t)
	adele := cloudtest.Adele()
	j, runs := w.job(t, 5)
	hold := make(chan struct{})
	w.cloud.PP.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Hold: hold, HoldAfter: 2})
	w.start(t)
	w.waitFor(t, "the third resubmission to arrive", func() bool { return w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) >= 3 })
	w.cloud.Entra.RevokeRefreshTokens(adele.TenantID, adele.ID)
	w.clk.Advance(70 * time.Minute) // her access tokens last an hour
	close(hold)

	got := w.waitJob(t, j, func(j flowdeck.BulkJob) bool { return j.State != flowdeck.JobRunning })
	if got.State != flowdeck.JobPaused || got.OK != 2 || got.Failed != 0 || got.Unknown != 0 || got.Done != 2 {
		t.Fatalf("job after the sign-in died = %+v; want paused, 2 runs ok, none failed or unknown", got)
	}
	want := "FlowDeck needs you to sign in again to finish this job: 3 runs are waiting. Sign in, then press Resume."
	if got.Message != want {
		t.Fatalf("paused job's message = %q, want %q", got.Message, want)
	}
	// The session ends (a paused job is not among the unfinished ones the
	// worker takes: storetest's BulkJobPause) before its runs are read: a
	// session that lost its lease when the clock jumped may still hold a
	// run it is putting back.
	w.waitFor(t, "the paused job's session to end", func() bool { return len(w.worker.Running()) == 0 })
	items, err := w.st.BulkItems(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, it := range items {
		if it.State == flowdeck.ItemPending {
			pending++
		}
	}
	if pending != 3 {
		t.Fatalf("items = %+v; want 3 pending", items)
	}
	sent, done := resubmitsBy(w.cloud.PP)
	for _, id := range runs {
		if sent[id] > 1 || done[id] > 1 {
			t.Fatalf("run %s: %d resubmissions sent, %d done; want at most one", id, sent[id], done[id])
		}
	}
	if len(done) != 2 || len(sent) != 3 {
		t.Fatalf("resubmissions sent %v, done %v; want 3 sent, 2 done (the third refused)", sent, done)
	}

	w.signIn(t, adele)
	r, err := w.svc.ResumeJob(cloudtest.As(adele), j.ID)
	if err != nil || r.State != flowdeck.JobRunning || r.Message != "" {
		t.Fatalf("ResumeJob = %+v, %v; want running", r, err)
	}
	got = w.waitJob(t, j, func(j flowdeck.BulkJob) bool { return j.State == flowdeck.JobDone })
	if got.OK != 5 || got.Failed != 0 || got.Unknown != 0 || got.Message != "" {
		t.Fatalf("job after resuming = %+v; want done, 5 runs ok", got)
	}
	_, done = resubmitsBy(w.cloud.PP)
	for _, id := range runs {
		if done[id] != 1 {
			t.Fatalf("run %s was resubmitted %d times, want once (all: %v)", id, done[id], done)
		}
	}
}

// TestWorkerEndsAJobNotResumed: Adele's tokens are gone (signed out) before
// her job starts: it pauses with every run waiting and nothing sent; not
// resumed within 7 days, it ends, its waiting runs failed with "not resumed
// within 7 days", which she can retry. A finished job is deleted 30 days on.
func TestWorkerEndsAJobNotResumed(t *testing.T) {
	ctx := t.Context()
	w := newWorld(t)
	adele := cloudtest.Adele()
	j, _ := w.job(t, 3)
	if err := w.broker.SignOut(ctx, principal(adele)); err != nil {
		t.Fatal(err)
	}
	w.start(t)
	got := w.waitJob(t, j, func(j flowdeck.BulkJob) bool { return j.State != flowdeck.JobRunning })
	if got.State != flowdeck.JobPaused || got.Done != 0 || !strings.Contains(got.Message, "3 runs are waiting") {
		t.Fatalf("job without tokens = %+v; want paused with 3 runs waiting", got)
	}
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit); n != 0 {
		t.Fatalf("%d resubmissions sent without a token, want none", n)
	}

	w.clk.Advance(7*24*time.Hour + time.Minute)
	got = w.waitJob(t, j, func(j flowdeck.BulkJob) bool { return j.State == flowdeck.JobDone })
	if got.Failed != 3 || !strings.Contains(got.Message, "Not resumed within 7 days") {
		t.Fatalf("job not resumed = %+v; want done with 3 runs failed", got)
	}
	items, err := w.st.BulkItems(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.State != flowdeck.ItemFailed || it.Code != bulkjob.CodeNotResumed || !strings.Contains(it.Message, "Not resumed within 7 days") {
			t.Fatalf("a waiting run of the ended job = %+v", it)
		}
	}

	w.clk.Advance(30*24*time.Hour + time.Minute)
	w.waitFor(t, "the finished job to be deleted", func() bool {
		_, err := w.st.GetBulkJob(ctx, adele.TenantID, adele.ID, j.ID)
		return flowdeck.KindOf(err) == flowdeck.ErrNotFound
	})
}

// world is the local cloud on a manual clock, with a store, the real token
// broker (so that a sign-in can die), the clients and ops on them, and a
// worker.
type world struct {
	clk    *clock
	cloud  *cloudtest.Cloud
	st     *sqlstore.Store
	broker *identity.Broker
	svc    *ops.Service
	worker *bulkjob.Worker
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{clk: &clock{t: time.Now().UTC().Truncate(time.Second)}}
	w.cloud = cloudtest.New(t, cloudtest.Options{Now: w.clk.Now})
	c := w.cloud
	c.Entra.GrantAllDemoConsent()
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	check(t, err)
	w.st, err = sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k, Now: w.clk.Now})
	check(t, err)
	t.Cleanup(func() { w.st.Close() })
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	check(t, err)
	w.broker, err = identity.NewBroker(identity.BrokerOptions{Registry: c.Registry, Store: w.st, Authority: c.Entra.URL(),
		ClientID: demo.ClientID, Credential: cred, HTTPClient: c.Entra.Client(), Now: w.clk.Now})
	check(t, err)
	hc := upstream.NewClient(upstream.Options{Tokens: w.broker, Audiences: c.Registry, Base: c.CA.Client().Transport})
	flows := powerautomate.New(powerautomate.Options{BaseURL: mustURL(c.PP.FlowURL()), HTTP: hc})
	w.svc = ops.New(ops.Options{Flows: flows, Overview: powerautomate.NewOverview(flows, powerautomate.OverviewOptions{Now: w.clk.Now}),
		Apps:          powerapps.New(powerapps.Options{BaseURL: mustURL(c.PP.PowerAppsURL()), BAPURL: mustURL(c.PP.BAPURL()), HTTP: hc}),
		Subscriptions: w.st, Jobs: w.st, Now: w.clk.Now})
	w.signIn(t, cloudtest.Adele())
	return w
}

// signIn gives u delegated tokens, as the bot's or the tab's sign-in does.
func (w *world) signIn(t *testing.T, u demo.User) {
	t.Helper()
	tok, err := w.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
	check(t, err)
	res, err := w.broker.Exchange(context.Background(), principal(u), flowdeck.NewAssertion(tok))
	check(t, err)
	for aud, err := range res {
		if err != nil {
			t.Fatalf("sign in %s: %s: %v", u.Name, aud, err)
		}
	}
}

// job adds n failed runs to one of Adele's failing flows and makes a job
// that resubmits them; it returns the job and the runs' ids.
func (w *world) job(t *testing.T, n int) (flowdeck.BulkJob, []string) {
	t.Helper()
	uctx := cloudtest.As(cloudtest.Adele())
	f := failingFlow(t, w.svc)
	req := ops.JobRequest{Key: uuid.NewString(), Kind: flowdeck.BulkResubmit, Env: f.EnvironmentID, FlowID: f.ID}
	var ids []string
	for i := range n {
		start := w.clk.Now().Add(-time.Duration(i+1) * time.Minute)
		id, err := w.cloud.PP.AddRun(f.EnvironmentID, f.ID, powerplatform.RunSpec{Status: powerplatform.RunFailed, Start: start, Duration: time.Second})
		check(t, err)
		ids = append(ids, id)
		req.Runs = append(req.Runs, ops.JobRun{ID: id, Start: start, Status: flowdeck.RunFailed})
	}
	j, err := w.svc.CreateJob(uctx, req)
	check(t, err)
	return j, ids
}

// start runs a worker on one run at a time, closed when the test ends.
func (w *world) start(t *testing.T) {
	t.Helper()
	var err error
	w.worker, err = bulkjob.New(bulkjob.Options{Store: w.st, Runs: w.svc, Tick: 20 * time.Millisecond, Workers: 1})
	check(t, err)
	w.worker.Start()
	t.Cleanup(func() {
		if err := w.worker.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
}

// waitJob polls Adele's job j until ok, and returns it.
func (w *world) waitJob(t *testing.T, j flowdeck.BulkJob, ok func(flowdeck.BulkJob) bool) flowdeck.BulkJob {
	t.Helper()
	a := cloudtest.Adele()
	var got flowdeck.BulkJob
	w.waitFor(t, "the job", func() bool {
		var err error
		got, err = w.st.GetBulkJob(t.Context(), a.TenantID, a.ID, j.ID)
		check(t, err)
		return ok(got)
	})
	return got
}

// waitFor polls cond every 10 ms until it holds, or fails the test when the
// test's context ends.
func (w *world) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-t.Context().Done():
			t.Fatalf("waiting for %s: the test ended", what)
		case <-deadline.C:
			t.Fatalf("waiting for %s: 30 s passed", what)
		case <-tick.C:
		}
	}
}

// resubmitsBy counts the fake's resubmit requests by run: sent (any
// answer) and done (answered 2xx).
func resubmitsBy(pp *powerplatform.Server) (sent, done map[string]int) {
	sent, done = map[string]int{}, map[string]int{}
	for _, r := range pp.Requests() {
		if r.Route != powerplatform.RouteRunsResubmit {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(r.Path, "/resubmit"), "/")
		id := parts[len(parts)-1]
		sent[id]++
		if r.Status/100 == 2 {
			done[id]++
		}
	}
	return sent, done
}

// clock is a manual clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func principal(u demo.User) flowdeck.Principal {
	return flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(fmt.Sprintf("url %q: %v", s, err))
	}
	return u
}
