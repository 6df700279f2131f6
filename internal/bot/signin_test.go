package bot_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestConsentNeeded: without Power Automate consent the exchange answers
// 412 with a failureDetail, the card's button opens /auth/start, and once
// the user consented verifyState signs them in.
func TestConsentNeeded(t *testing.T) {
	w := newWorld(t, worldOptions{})
	megan := demo.Users()[1]
	ctx := waitCtx(t)
	cid := w.drv.ConversationID(megan)
	w.cloud.Entra.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)

	res, err := w.drv.TokenExchange(ctx, megan, w.sso(t, megan))
	must(t, err)
	var body struct{ ID, ConnectionName, FailureDetail string }
	must(t, res.JSON(&body))
	if res.Status != http.StatusPreconditionFailed || body.ID == "" || body.FailureDetail == "" {
		t.Fatalf("exchange without consent: %d %s", res.Status, res.Body)
	}

	r := w.ask(t, megan, "signin")
	if contentType(r) != cards.OAuthContentType || !strings.Contains(content(r), "/auth/start?s=") {
		t.Fatalf("signin: %s", content(r))
	}
	// verifyState before consent: the OAuth card again.
	n := len(w.conn.Records(cid))
	res, err = w.drv.VerifyState(ctx, megan, "done")
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("verifyState: %d", res.Status)
	}
	if r := w.next(t, cid, n); contentType(r) != cards.OAuthContentType {
		t.Fatalf("verifyState before consent sent %s", content(r))
	}

	// The user consents on /auth/start; /auth/end stores the tokens.
	w.cloud.Entra.GrantAllDemoConsent()
	p := flowdeck.Principal{TenantID: megan.TenantID, UserID: megan.ID}
	if _, err := w.broker.Exchange(ctx, p, flowdeck.NewAssertion(w.sso(t, megan))); err != nil {
		t.Fatal(err)
	}
	n = len(w.conn.Records(cid))
	res, err = w.drv.VerifyState(ctx, megan, "done")
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("verifyState: %d", res.Status)
	}
	if r := w.next(t, cid, n); !strings.Contains(r.Activity().Text, "You're signed in") {
		t.Fatalf("verifyState after consent sent %s", content(r))
	}
}

// TestDuplicateTokenExchange: two Teams clients send the same exchange at
// once; one OBO per audience at the fake, one 200 with a body.
func TestDuplicateTokenExchange(t *testing.T) {
	w := newWorld(t, worldOptions{})
	alex := demo.Users()[2]
	ctx := waitCtx(t)
	tok := w.sso(t, alex)
	id := uuid.NewString()
	var wg sync.WaitGroup
	results := make([]struct {
		status int
		body   string
	}, 2)
	for i := range results {
		wg.Go(func() {
			a := w.drv.Activity(alex, "invoke")
			a["name"] = "signin/tokenExchange"
			a["value"] = map[string]any{"id": id, "connectionName": "", "token": tok}
			res, err := w.drv.Send(ctx, a)
			if err != nil {
				t.Error(err)
				return
			}
			results[i].status, results[i].body = res.Status, strings.TrimSpace(string(res.Body))
		})
	}
	wg.Wait()
	withBody := 0
	for _, r := range results {
		if r.status != http.StatusOK {
			t.Fatalf("status %d %s", r.status, r.body)
		}
		if r.body != "" {
			withBody++
			if !strings.Contains(r.body, id) {
				t.Errorf("body %s lacks the id", r.body)
			}
		}
	}
	if withBody != 1 {
		t.Fatalf("%d answers with a body, want 1: %+v", withBody, results)
	}
	for _, res := range []string{entra.FlowResource, entra.PowerAppsResource, entra.GraphResource} {
		if n := w.cloud.Entra.OBOCount(alex.TenantID, alex.ID, res); n != 1 {
			t.Errorf("%d OBO exchanges for %s, want 1", n, res)
		}
	}
	w.bot.Wait()
	if recs := w.conn.Records(w.drv.ConversationID(alex)); len(recs) != 1 {
		t.Errorf("%d messages after the exchange, want one 'signed in'", len(recs))
	}
}

// TestTokenExchangeRejects: a token of another user, or garbage, is a 412.
func TestTokenExchangeRejects(t *testing.T) {
	w := newWorld(t, worldOptions{})
	users := demo.Users()
	ctx := waitCtx(t)
	for name, tok := range map[string]string{"other user": w.sso(t, users[3]), "garbage": "eyJnot.a.token", "empty": ""} {
		res, err := w.drv.TokenExchange(ctx, users[4], tok)
		must(t, err)
		if res.Status == http.StatusOK || !strings.Contains(string(res.Body), "failureDetail") {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	if n := w.cloud.Entra.OBOCount(users[3].TenantID, users[3].ID, entra.FlowResource); n != 0 {
		t.Errorf("a token of another user was exchanged %d times", n)
	}
}
