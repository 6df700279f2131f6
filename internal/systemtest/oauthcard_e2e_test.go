package systemtest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// manifestSSO is the webApplicationInfo of the manifest `flowdeck manifest`
// builds for c: what the Teams client reads.
func manifestSSO(t *testing.T, c config.Config) connector.WebApplicationInfo {
	t.Helper()
	raw, err := appmanifest.Manifest(appmanifest.Options{ClientID: c.ClientID, PublicURL: c.PublicURL, AppIDURI: c.AppIDURI, Commands: app.ManifestCommands()})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		WebApplicationInfo connector.WebApplicationInfo `json:"webApplicationInfo"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.WebApplicationInfo
}

// oauthCardOf returns the newest recorded bot activity that carries an OAuth card.
func oauthCardOf(recs []connector.Record) (connector.Record, bool) {
	for i := len(recs) - 1; i >= 0; i-- {
		if strings.Contains(string(recs[i].Raw), connector.OAuthCardContentType) {
			return recs[i], true
		}
	}
	return connector.Record{}, false
}

// TestTeamsClientSignsInWithFlowDecksOAuthCard: the bot's sign-in card,
// handled as the Teams client handles it with the manifest FlowDeck builds
// (webApplicationInfo), is exchanged silently — no OAuth connection, an
// empty connectionName, the card's uri equal to webApplicationInfo.resource —
// and the user is signed in (with a certificate as the app's only
// credential). A manifest whose resource differs gets Teams'
// resourcematchfailed and no exchange.
func TestTeamsClientSignsInWithFlowDecksOAuthCard(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{ClientCertificate: true})
	adele := demo.Users()[0]
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	app := manifestSSO(t, s.Config)
	if app.ID != demo.ClientID || app.Resource != s.Config.AppIDURI {
		t.Fatalf("manifest webApplicationInfo = %+v, want {%s %s}", app, demo.ClientID, s.Config.AppIDURI)
	}
	mint := func(_ context.Context, u demo.User, aud string) (string, error) {
		return s.Cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Audience: aud})
	}
	conv := s.Driver.ConversationID(adele)
	card := func(n int) connector.Record {
		t.Helper()
		recs, err := s.Cloud.Connector.WaitFor(ctx, conv, n)
		if err != nil {
			t.Fatalf("no reply at the connector: %v", err)
		}
		rec, ok := oauthCardOf(recs)
		if !ok {
			t.Fatalf("no OAuth card among the bot's %d activities", len(recs))
		}
		return rec
	}

	// A manifest that names another resource: Teams refuses before any exchange.
	if _, err := s.Driver.Say(ctx, adele, "signin"); err != nil {
		t.Fatal(err)
	}
	wrong := app
	wrong.Resource = "api://flowdeck.fabrikam.com/botid-" + demo.ClientID
	out, err := s.Driver.HandleOAuthCard(ctx, adele, card(1), wrong, mint)
	if err != nil {
		t.Fatal(err)
	}
	if out.Failure != "resourcematchfailed" || !out.Shown || out.Exchanged || s.Cloud.Entra.GrantCount(entra.GrantOBO) != 0 {
		t.Errorf("mismatched resource: %+v, OBO %d", out, s.Cloud.Entra.GrantCount(entra.GrantOBO))
	}

	// The real manifest: the exchange succeeds, the card stays hidden.
	out, err = s.Driver.HandleOAuthCard(ctx, adele, card(1), app, mint)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Exchanged || out.Shown || out.ConnectionName != "" || out.ExchangeID == "" || !strings.HasPrefix(out.SignInURL, s.URL()+"/auth/start?") {
		t.Fatalf("sign-in card: %+v (status %d %.200s)", out, out.Exchange.Status, out.Exchange.Body)
	}
	if s.Cloud.Entra.OBOCount(demo.TenantID, adele.ID, entra.FlowResource) != 1 || s.Cloud.Entra.AssertionCount() == 0 {
		t.Errorf("OBO for Power Automate %d, client assertions %d", s.Cloud.Entra.OBOCount(demo.TenantID, adele.ID, entra.FlowResource), s.Cloud.Entra.AssertionCount())
	}

	// Signed in: a command answers without another sign-in card.
	before := len(s.Cloud.Connector.Records(conv))
	if res, err := s.Driver.Say(ctx, adele, "envs"); err != nil || res.Status/100 != 2 {
		t.Fatalf("say envs: %v %d", err, res.Status)
	}
	recs, err := s.Cloud.Connector.WaitFor(ctx, conv, before+1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := oauthCardOf(recs[before:]); ok {
		t.Error("the bot asked for sign-in again after the exchange")
	}
}
