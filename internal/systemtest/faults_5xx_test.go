package systemtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestFault5xxBurstsOnReads: reads (GET) are retried through a short burst
// of 502s and 503s, so the user sees their flows; a 500, which is not
// retried, and a burst longer than the retry budget end in a clear message
// with the next step, and the next call works.
func TestFault5xxBurstsOnReads(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	get := powerplatform.RouteFlowsGet
	flowPath := "/api/flows/" + faultEnv + "/" + faultFlowID(adele)

	start := time.Now()
	s.Cloud.PowerPlatform.SetFault(get, powerplatform.Fault{Status: http.StatusBadGateway, Times: 2})
	if a := s.tab(ctx, t, adele, http.MethodGet, flowPath, ""); a.status != http.StatusOK || !strings.Contains(a.body, faultFlowName(adele)) {
		t.Fatalf("GET a flow through two 502s = %d %.300s", a.status, a.body)
	}
	if n := len(s.upstreamCalls(get, adele, start)); n != 3 {
		t.Errorf("flows.get was called %d times through two 502s, want 3 (two retries)", n)
	}

	// A 500 is not retried.
	start = time.Now()
	s.Cloud.PowerPlatform.SetFault(get, powerplatform.Fault{Status: http.StatusInternalServerError, Times: 1})
	a := s.tab(ctx, t, adele, http.MethodGet, flowPath, "")
	wantTabError(t, "GET a flow on a 500", a, http.StatusServiceUnavailable, "Power Platform", "try again")
	if n := len(s.upstreamCalls(get, adele, start)); n != 1 {
		t.Errorf("flows.get was called %d times on a 500, want 1 (a 500 is not retried)", n)
	}
	if a := s.tab(ctx, t, adele, http.MethodGet, flowPath, ""); a.status != http.StatusOK {
		t.Errorf("GET a flow after the 500 = %d %.300s", a.status, a.body)
	}

	// A burst of 503s longer than the retry budget.
	start = time.Now()
	storm(s, powerplatform.Fault{Status: http.StatusServiceUnavailable, RetryAfter: time.Second})
	a = s.tab(ctx, t, adele, http.MethodGet, flowPath, "")
	wantTabError(t, "GET a flow in a 503 burst", a, http.StatusServiceUnavailable, "try again")
	wantPolite(t, "GET a flow in a 503 burst", s.upstreamCalls(get, adele, start), time.Second)
	reply := s.ask(ctx, t, adele, "approvals")
	if !strings.Contains(reply, "try again") || strings.Contains(reply, "<html") {
		t.Errorf("the bot's reply in a 503 burst: %.400s", reply)
	}

	s.Cloud.PowerPlatform.ClearFaults()
	if a := s.tab(ctx, t, adele, http.MethodGet, flowPath, ""); a.status != http.StatusOK {
		t.Errorf("GET a flow after the burst = %d %.300s", a.status, a.body)
	}
	if reply := s.ask(ctx, t, adele, "approvals"); strings.Contains(reply, "try again") {
		t.Errorf("the bot's approvals after the burst: %.400s", reply)
	}
}

// TestFault5xxOnWrites: a 502 on an approval response (from the tab and from
// the approval card the monitor posted) and a 503 on a resubmit are never
// retried; the user is told the change did not happen, Power Platform has
// no response recorded, and the same action works once the fault clears —
// exactly one response reaches Power Platform.
func TestFault5xxOnWrites(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	s.signIn(ctx, t, adele)
	s.signIn(ctx, t, megan)
	respond := powerplatform.RouteApprovalsRespond

	// The tab.
	id := s.addApproval(t, adele, "New monitors for the design team")
	path := "/api/approvals/" + faultEnv + "/" + id + "/respond"
	start := time.Now()
	s.Cloud.PowerPlatform.SetFault(respond, powerplatform.Fault{Status: http.StatusBadGateway, Times: 1})
	a := s.tab(ctx, t, adele, http.MethodPost, path, `{"response":"Approve","comments":"ok"}`)
	wantTabError(t, "responding through a 502", a, http.StatusServiceUnavailable, "not recorded", "Try again")
	if n := len(s.upstreamCalls(respond, adele, start)); n != 1 {
		t.Errorf("the response was posted %d times, want once (a POST is not retried)", n)
	}
	wantResponses(t, s, id, adele, 0)
	if a := s.tab(ctx, t, adele, http.MethodPost, path, `{"response":"Approve","comments":"ok"}`); a.status != http.StatusOK {
		t.Fatalf("responding again after the fault = %d %.300s", a.status, a.body)
	}
	wantResponses(t, s, id, adele, 1)

	// The card: the monitor posts megan's approval; her click meets a 502.
	s.watchAll(ctx, t, megan)
	title := "Travel to the Lisbon trade fair"
	id = s.addApproval(t, megan, title)
	card := s.waitCards(ctx, t, megan, title, 1)[0]
	s.waitCardKnown(ctx, t, megan, cardaction.ApprovalKey(faultEnv, id), card.ActivityID)
	data := executeData(t, card, cards.VerbApprovalRespond, "Approve")
	start = time.Now()
	s.Cloud.PowerPlatform.SetFault(respond, powerplatform.Fault{Status: http.StatusBadGateway, Times: 1})
	res, err := s.Driver.CardAction(ctx, megan, card.ActivityID, cards.VerbApprovalRespond, data, true)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("approve through a 502: %v, status %d", err, res.Status)
	}
	if body := string(res.Body); !strings.Contains(body, "not recorded") || strings.Contains(body, "<html") {
		t.Errorf("the card after a 502 does not say the response was not recorded: %.600s", body)
	}
	noSecrets(t, "the card after a 502", string(res.Body))
	if n := len(s.upstreamCalls(respond, megan, start)); n != 1 {
		t.Errorf("the card's response was posted %d times, want once", n)
	}
	wantResponses(t, s, id, megan, 0)
	res, err = s.Driver.CardAction(ctx, megan, card.ActivityID, cards.VerbApprovalRespond, data, true)
	if err != nil || res.Status != http.StatusOK || strings.Contains(string(res.Body), "not recorded") {
		t.Fatalf("approve again after the fault: %v, status %d %.400s", err, res.Status, res.Body)
	}
	wantResponses(t, s, id, megan, 1)

	// Resubmitting a failed run through a 503.
	s.failRun(t, adele)
	runID := latestRun(ctx, t, s, adele)
	resubmit := powerplatform.RouteRunsResubmit
	start = time.Now()
	s.Cloud.PowerPlatform.SetFault(resubmit, powerplatform.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	a = s.tab(ctx, t, adele, http.MethodPost, "/api/flows/"+faultEnv+"/"+faultFlowID(adele)+"/runs/resubmit", `{"runIds":["`+runID+`"]}`)
	var out struct {
		Results []struct {
			OK      bool   `json:"ok"`
			Message string `json:"message"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(a.body), &out); err != nil || len(out.Results) != 1 {
		t.Fatalf("resubmit through a 503 = %d %.300s", a.status, a.body)
	}
	// The fake took nothing, but a 503 to a POST leaves the outcome open
	// until a new run shows up: the user is told to look before resubmitting.
	if r := out.Results[0]; r.OK || !strings.Contains(r.Message, "check the run history") {
		t.Errorf("resubmit through a 503: %+v, want a failure that says to check the run history", r)
	}
	if n := len(s.upstreamCalls(resubmit, adele, start)); n != 1 {
		t.Errorf("the resubmit was posted %d times, want once", n)
	}
}

// waitCardKnown waits until FlowDeck has recorded the card it posted as
// activityID under key in u's chat (the record follows the send), so that a
// click on it is recognised.
func (s *stack) waitCardKnown(ctx context.Context, t *testing.T, u demo.User, key, activityID string) {
	t.Helper()
	waitUntil(ctx, t, "the card "+key+" is recorded", func() bool {
		cs, err := s.Main.Parts().Store.GetCard(ctx, key, s.Driver.ConversationID(u))
		return err == nil && cs.ActivityID == activityID
	})
}

// wantResponses checks how many responses u has recorded on the fake approval id.
func wantResponses(t *testing.T, s *stack, id string, u demo.User, want int) {
	t.Helper()
	a, err := s.Cloud.PowerPlatform.Approval(id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range a.Responses {
		if strings.EqualFold(r.UserID, u.ID) {
			n++
		}
	}
	if n != want {
		t.Errorf("Power Platform has %d responses from %s, want %d", n, u.Name, want)
	}
}

// executeData returns the data of the card's Action.Execute with verb and title.
func executeData(t *testing.T, r connector.Record, verb, title string) map[string]any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		t.Fatal(err)
	}
	var found map[string]any
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "Action.Execute" && x["verb"] == verb && x["title"] == title {
				if d, ok := x["data"].(map[string]any); ok && found == nil {
					found = d
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	if found == nil {
		t.Fatalf("the card has no %q button with verb %s: %.600s", title, verb, r.Raw)
	}
	return found
}

// latestRun returns the id of the latest run of u's flow, through the tab.
func latestRun(ctx context.Context, t *testing.T, s *stack, u demo.User) string {
	t.Helper()
	a := s.tab(ctx, t, u, http.MethodGet, "/api/flows/"+faultEnv+"/"+faultFlowID(u)+"/runs", "")
	var page struct {
		Runs []struct {
			ID string `json:"id"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(a.body), &page); err != nil || len(page.Runs) == 0 {
		t.Fatalf("GET runs = %d %.300s", a.status, a.body)
	}
	return page.Runs[0].ID
}
