package systemtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// allRoutes are the fake Power Platform's routes, for storms.
var allRoutes = []string{
	powerplatform.RouteEnvironmentsList, powerplatform.RouteEnvironmentsGet, powerplatform.RouteFlowsList,
	powerplatform.RouteFlowsGet, powerplatform.RouteFlowsStart, powerplatform.RouteFlowsStop,
	powerplatform.RouteTriggersList, powerplatform.RouteRunsList, powerplatform.RouteRunsGet,
	powerplatform.RouteRunsCancel, powerplatform.RouteRunsResubmit, powerplatform.RouteActionsList,
	powerplatform.RouteActionsGet, powerplatform.RouteApprovalsList, powerplatform.RouteApprovalsGet,
	powerplatform.RouteApprovalsResponses, powerplatform.RouteApprovalsRespond, powerplatform.RouteAppsList,
	powerplatform.RouteAppsGet, powerplatform.RouteConnectionsList, powerplatform.RoutePAEnvironmentsList,
	powerplatform.RoutePAEnvironmentsGet, powerplatform.RouteBAPEnvironmentsList, powerplatform.RouteBAPEnvironmentsGet,
}

// storm sets k on every route.
func storm(s *stack, k powerplatform.Fault) {
	for _, r := range allRoutes {
		s.Cloud.PowerPlatform.SetFault(r, k)
	}
}

// wantPolite checks that the attempts of one call were few and spaced by
// at least the Retry-After the fake asked for.
func wantPolite(t *testing.T, what string, calls []powerplatform.LoggedRequest, retryAfter time.Duration) {
	t.Helper()
	if len(calls) == 0 || len(calls) > 4 {
		t.Fatalf("%s: %d attempts, want 1 to 4 (three retries at most)", what, len(calls))
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].Time.Sub(calls[i-1].Time); gap < retryAfter-100*time.Millisecond {
			t.Errorf("%s: attempt %d came %s after the previous one; Retry-After asked for %s", what, i+1, gap, retryAfter)
		}
	}
}

// TestFaultUpstream429Storm: every Power Platform route answers 429 with
// Retry-After. The tab and the bot say Power Platform is busy and when to try
// again, after a few attempts spaced by Retry-After; a flow that fails during
// the storm is told about once, after it clears, and the watermark does not
// pass the failure meanwhile.
func TestFaultUpstream429Storm(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	storm(s, powerplatform.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})

	// The tab and the bot first, before the monitor has work for adele, so
	// that the fake's request log holds only their attempts.
	start := time.Now()
	a := s.tab(ctx, t, adele, http.MethodGet, "/api/flows", "")
	wantTabError(t, "GET /api/flows in a 429 storm", a, http.StatusTooManyRequests, "busy", "try again in")
	if a.header.Get("Retry-After") == "" {
		t.Error("the busy answer has no Retry-After")
	}
	wantPolite(t, "GET /api/flows", s.upstreamCalls(powerplatform.RouteEnvironmentsList, adele, start), time.Second)

	reply := s.ask(ctx, t, adele, "flows")
	if !strings.Contains(reply, "busy") || !strings.Contains(reply, "try again") {
		t.Errorf("the bot's reply in a 429 storm does not say to try again later: %.400s", reply)
	}

	// The monitor meets the storm too: no alert, and the watermark stays
	// before the failure.
	sub := s.watchAll(ctx, t, adele)
	failedAt := s.failRun(t, adele)
	since := time.Now()
	waitUntil(ctx, t, "the monitor meets the storm", func() bool {
		for _, r := range s.Cloud.PowerPlatform.Requests() {
			if r.Time.After(since) && strings.EqualFold(r.UserOID, adele.ID) && r.Status == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	})
	if n := len(s.cards(adele, alertTitle)); n != 0 {
		t.Fatalf("%d alerts went out during the storm", n)
	}
	if wm := s.subscription(ctx, t, adele, sub.ID).Watermark; wm.After(failedAt) {
		t.Errorf("the watermark moved to %s, past the undelivered failure at %s", wm, failedAt)
	}

	s.Cloud.PowerPlatform.ClearFaults()
	wantAlertOnce(ctx, t, s, adele, sub.ID, failedAt)

	if a := s.tab(ctx, t, adele, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK || !strings.Contains(a.body, faultFlowName(adele)) {
		t.Errorf("GET /api/flows after the storm = %d %.300s", a.status, a.body)
	}
	if reply := s.ask(ctx, t, adele, "flows"); !strings.Contains(reply, faultFlowName(adele)) {
		t.Errorf("the bot's flows after the storm do not list %q: %.400s", faultFlowName(adele), reply)
	}
}

// alertTitle heads every failure alert card.
const alertTitle = "Flow run failed"

// wantAlertOnce waits for the alert of u's flow, then for two more
// successful cycles (the watermark moves past the failure, then again), and
// checks that the alert went out exactly once.
func wantAlertOnce(ctx context.Context, t *testing.T, s *stack, u demo.User, subID string, failedAt time.Time) {
	t.Helper()
	recs := s.waitCards(ctx, t, u, alertTitle, 1)
	if !strings.Contains(string(recs[0].Raw), "The ledger did not answer.") {
		t.Errorf("the alert does not show the failed action's error: %.600s", recs[0].Raw)
	}
	noSecrets(t, "the alert card", string(recs[0].Raw))
	var wm time.Time
	waitUntil(ctx, t, "the watermark passes the failure", func() bool {
		wm = s.subscription(ctx, t, u, subID).Watermark
		return wm.After(failedAt)
	})
	waitUntil(ctx, t, "one more cycle", func() bool {
		return s.subscription(ctx, t, u, subID).Watermark.After(wm)
	})
	if n := len(s.cards(u, alertTitle)); n != 1 {
		t.Errorf("the alert went out %d times, want once", n)
	}
}

// TestFaultUpstreamSlowerThanTimeouts: Power Platform answers after longer
// than the timeouts (request 4 s, upstream attempt 1 s, so a bot command
// gets 3 s). The tab answers within its request timeout with a clear "did
// not answer in time" message instead of hanging, the bot replies likewise,
// the fake's handlers are released when FlowDeck gives up, and the stack
// then closes cleanly (no request or goroutine left waiting).
func TestFaultUpstreamSlowerThanTimeouts(t *testing.T) {
	c := faultConfig(t, "")
	c.UpstreamTimeout = time.Second
	s := newFaultStack(t, c)
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	flowPath := "/api/flows/" + faultEnv + "/" + faultFlowID(adele)

	s.Cloud.PowerPlatform.SetFault(powerplatform.RouteFlowsGet, powerplatform.Fault{Latency: time.Minute})
	a := s.tab(ctx, t, adele, http.MethodGet, flowPath, "")
	if a.status != http.StatusGatewayTimeout && a.status != http.StatusServiceUnavailable {
		t.Fatalf("GET a flow slower than the request timeout = %d %.300s, want 504 or 503", a.status, a.body)
	}
	wantTabError(t, "GET a slow flow", a, a.status, "try again")
	if m := a.err.Message; !strings.Contains(m, "in time") && !strings.Contains(m, "took too long") {
		t.Errorf("the message %q does not say the answer did not come in time", m)
	}

	for _, r := range []string{powerplatform.RouteEnvironmentsList, powerplatform.RouteFlowsList} {
		s.Cloud.PowerPlatform.SetFault(r, powerplatform.Fault{Latency: time.Minute})
	}
	reply := s.ask(ctx, t, adele, "flows")
	if !strings.Contains(reply, "in time") && !strings.Contains(reply, "took too long") {
		t.Errorf("the bot's reply to flows from a slow Power Platform does not say it did not answer in time: %.400s", reply)
	}
	if !strings.Contains(reply, "try again") {
		t.Errorf("the bot's reply to flows from a slow Power Platform has no next step: %.400s", reply)
	}

	s.Cloud.PowerPlatform.ClearFaults()
	if a := s.tab(ctx, t, adele, http.MethodGet, flowPath, ""); a.status != http.StatusOK {
		t.Errorf("GET a flow once Power Platform is fast again = %d %.300s", a.status, a.body)
	}
	if reply := s.ask(ctx, t, adele, "flows"); !strings.Contains(reply, faultFlowName(adele)) {
		t.Errorf("the bot's flows once Power Platform is fast again do not list %q: %.400s", faultFlowName(adele), reply)
	}
}
