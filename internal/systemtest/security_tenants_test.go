package systemtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

// TestSecurityTenantIsolation serves Contoso and Fabrikam from one FlowDeck
// (the fake Power Platform keeps each tenant's environments apart, and the
// demo data has both): a Fabrikam user sees none of Contoso's environments,
// flows, runs or approvals through the tab or the bot; and a Fabrikam user
// whose object id equals Adele's gets none of Adele's cached tokens —
// before signing in FlowDeck has no token for them, after it every call
// carries Fabrikam's tenant.
func TestSecurityTenantIsolation(t *testing.T) {
	ten := powerplatform.Demo(time.Now())
	var contoso []string // names that must never reach a Fabrikam user
	for _, e := range ten.Environments {
		if e.TenantID == demo.TenantID {
			contoso = append(contoso, e.Name)
		}
	}
	envOf := map[string]string{}
	for _, e := range ten.Environments {
		envOf[e.Name] = e.TenantID
	}
	var contosoEnv, contosoFlow string
	fabrikam := map[string]bool{} // Fabrikam's flows, which its users do see
	for _, f := range ten.Flows {
		if envOf[f.Environment] == demo.OtherTenantID {
			fabrikam[f.Name] = true
		}
		if envOf[f.Environment] == demo.TenantID {
			contoso = append(contoso, f.Name)
			contosoEnv, contosoFlow = f.Environment, f.Name
		}
	}
	for _, a := range ten.Approvals {
		if envOf[a.Environment] == demo.TenantID {
			contoso = append(contoso, a.Name)
		}
	}
	contoso = append(contoso, demo.TenantID, demo.TenantDomain)

	adele := demo.Users()[0]
	twin := demo.User{ID: adele.ID, TenantID: demo.OtherTenantID, Name: "Adele Twin", UPN: "adele.twin@" + demo.OtherTenantDomain, JobTitle: "Buyer"}
	c := localtest.Config(t)
	c.AllowedTenants = []string{demo.TenantID, demo.OtherTenantID}
	s := newSecurityStack(t, localcloud.StackOptions{Config: c, Tenant: ten, Users: []demo.User{twin}})
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	pp := s.Cloud.PowerPlatform
	leaks := func(who, what, body string) {
		t.Helper()
		for _, name := range contoso {
			if strings.Contains(body, name) {
				t.Errorf("%s's %s shows Contoso's %s", who, what, name)
				return
			}
		}
	}

	s.secSignIn(ctx, t, adele) // her tokens are cached from here on
	fab := demo.UsersOf(demo.OtherTenantID)[0]
	s.secSignIn(ctx, t, fab)

	// The tab, as Fabrikam's maker.
	tok := "Bearer " + s.secSSO(t, fab)
	for _, path := range []string{"/api/environments", "/api/flows", "/api/approvals", "/api/dashboard", "/api/apps", "/api/connections"} {
		a := s.do(ctx, t, http.MethodGet, path, tok, nil)
		if a.status != http.StatusOK {
			t.Errorf("%s as %s = %d %.200s", path, fab.Name, a.status, a.body)
		}
		leaks(fab.Name, path, a.body)
		if path == "/api/flows" {
			seen := false
			for name := range fabrikam {
				seen = seen || strings.Contains(a.body, name)
			}
			if !seen {
				t.Errorf("%s's /api/flows shows none of Fabrikam's flows: %.300s", fab.Name, a.body)
			}
		}
	}
	for _, path := range []string{"/api/flows/" + contosoEnv + "/" + contosoFlow, "/api/flows/" + contosoEnv + "/" + contosoFlow + "/runs"} {
		a := s.do(ctx, t, http.MethodGet, path, tok, nil)
		if a.status/100 == 2 {
			t.Errorf("%s as %s = %d, want a refusal", path, fab.Name, a.status)
		}
		leaks(fab.Name, path, strings.ReplaceAll(a.body, contosoEnv, "")) // the refusal may name the path asked for
	}

	// The bot, as Fabrikam's maker.
	conv := s.Driver.ConversationID(fab)
	for i, cmd := range []string{"envs", "flows", "approvals", "failed 7d"} {
		if res, err := s.Driver.Say(ctx, fab, cmd); err != nil || res.Status != http.StatusOK {
			t.Fatalf("%s: %v, %d", cmd, err, res.Status)
		}
		msgs := waitForMessages(ctx, t, s, conv, i+1)
		leaks(fab.Name, "bot answer to "+cmd, string(msgs[i].Raw))
	}

	// Adele's twin, before signing in: no token, so no call at all.
	pp.ResetRequests()
	twinChat := "a:1twin-" + demo.OtherTenantID
	msg := s.Driver.Activity(twin, "message")
	msg["text"], msg["conversation"] = "flows", map[string]any{"conversationType": "personal", "tenantId": twin.TenantID, "id": twinChat}
	if res, err := s.Driver.Send(ctx, msg); err != nil || res.Status != http.StatusOK {
		t.Fatalf("twin's flows: %v, %d", err, res.Status)
	}
	first := waitForMessages(ctx, t, s, twinChat, 1)
	if body := string(first[0].Raw); !strings.Contains(strings.ToLower(body), "sign in") {
		t.Errorf("the twin, not signed in, got %.300s; want a sign-in prompt", body)
	}
	leaks(twin.Name, "bot answer before sign-in", string(first[0].Raw))
	if reqs := pp.Requests(); len(reqs) != 0 {
		t.Errorf("the twin reached Power Platform before signing in: %s %s as %s/%s", reqs[0].Method, reqs[0].Path, reqs[0].TenantID, reqs[0].UserOID)
	}
	a := s.do(ctx, t, http.MethodGet, "/api/me", "Bearer "+s.secSSO(t, twin), nil)
	if a.status != http.StatusOK || strings.Contains(a.body, adele.UPN) {
		t.Errorf("the twin's /api/me = %d %.300s", a.status, a.body)
	}

	// Signed in: every call as the twin carries Fabrikam's tenant.
	pp.ResetRequests()
	tok = "Bearer " + s.secSSO(t, twin)
	for _, path := range []string{"/api/flows", "/api/approvals", "/api/environments"} {
		a := s.do(ctx, t, http.MethodGet, path, tok, nil)
		leaks(twin.Name, path, a.body)
	}
	msg = s.Driver.Activity(twin, "message")
	msg["text"], msg["conversation"] = "approvals", map[string]any{"conversationType": "personal", "tenantId": twin.TenantID, "id": twinChat}
	if res, err := s.Driver.Send(ctx, msg); err != nil || res.Status != http.StatusOK {
		t.Fatalf("twin's approvals: %v, %d", err, res.Status)
	}
	leaks(twin.Name, "bot answer", string(waitForMessages(ctx, t, s, twinChat, 2)[1].Raw))
	reqs := pp.Requests()
	if len(reqs) == 0 {
		t.Fatal("no Power Platform call as the twin")
	}
	for _, r := range reqs {
		if r.TenantID != demo.OtherTenantID || r.UserOID != twin.ID {
			t.Errorf("Power Platform got %s %s with a token of %s/%s, want Fabrikam's", r.Method, r.Path, r.TenantID, r.UserOID)
		}
	}
}
