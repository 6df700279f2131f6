package systemtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func demoName(id string) string {
	for _, u := range demo.Users() {
		if strings.EqualFold(u.ID, id) {
			return u.Name
		}
	}
	return ""
}

// TestNamesTabFlowsCarryOwnerNames: the running service answers the tab's
// flows list with each owner's display name, read from the fake Graph with
// User.ReadBasic.All, and links into the public cloud's portal.
func TestNamesTabFlowsCarryOwnerNames(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	tok, err := s.SSOToken(demo.Users()[0])
	if err != nil {
		t.Fatal(err)
	}
	a := s.do(ctx, t, http.MethodGet, "/api/flows?limit=200", "Bearer "+tok, nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET /api/flows = %d %.300s", a.status, a.body)
	}
	var list ops.FlowList
	if err := json.Unmarshal([]byte(a.body), &list); err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, f := range list.Items {
		if want := demoName(f.OwnerID); want != "" {
			if f.OwnerName != want {
				t.Errorf("%s: ownerName %q, want %q", f.DisplayName, f.OwnerName, want)
			}
			named++
		}
		if !strings.HasPrefix(f.Link, "https://make.powerautomate.com/environments/") {
			t.Errorf("%s: link %q", f.DisplayName, f.Link)
		}
	}
	if named == 0 || !strings.Contains(a.body, `"ownerName":`) {
		t.Fatalf("no owner named in %.300s", a.body)
	}
	if n := s.Cloud.Graph.Calls("/v1.0/directoryObjects/getByIds"); n != 0 {
		t.Errorf("%d getByIds calls; names must need only User.ReadBasic.All", n)
	}
}

// TestNamesBotCardNamesTheRequester: an approval card refreshed through the
// bot is built from approvals/{id}, which names its requester by id and
// address only; the card shows the requester's display name from Graph.
func TestNamesBotCardNamesTheRequester(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	adele := demo.Users()[0]
	s.secSignIn(ctx, t, adele)
	ap, cardID := s.postApprovalCard(ctx, t, adele)
	want := demoName(ap.Requester.ID)
	if want == "" {
		t.Fatalf("requester %+v is not a demo user", ap.Requester)
	}
	inv := s.approvalAction(adele, adele, cardID, ap)
	inv["value"].(map[string]any)["action"] = map[string]any{"type": "Action.Execute", "verb": cards.VerbApprovalRefresh,
		"data": map[string]any{"approvalId": ap.ID, "environmentId": ap.EnvironmentID}}
	res, err := s.Driver.Send(ctx, inv)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("refresh: %v, %d %s", err, res.Status, res.Body)
	}
	code, typ, v := cardAnswer(t, res.Body)
	if code != http.StatusOK || !strings.Contains(typ, "card.adaptive") {
		t.Fatalf("refresh answered %d %s %.300s", code, typ, v)
	}
	if !strings.Contains(v, "Requested by "+want) {
		t.Errorf("the card does not name the requester %q: %.600s", want, v)
	}
	if !strings.Contains(v, "https://make.powerautomate.com/environments/") {
		t.Errorf("the card's portal link is not the public cloud's: %.600s", v)
	}
}

// TestNamesPortalPerCloud: for every FLOWDECK_CLOUD, the service's links
// point at that cloud's Power Automate portal.
func TestNamesPortalPerCloud(t *testing.T) {
	for _, name := range cloud.Names() {
		t.Run(name, func(t *testing.T) {
			cl, _ := cloud.Get(name)
			c, err := config.Load(func(k string) (string, bool) {
				v, ok := map[string]string{"FLOWDECK_CLOUD": name, "FLOWDECK_PUBLIC_URL": "https://flowdeck.example.com",
					"FLOWDECK_TENANT_ID": demo.TenantID, "FLOWDECK_CLIENT_ID": demo.ClientID, "FLOWDECK_CLIENT_SECRET": "test-secret",
					"FLOWDECK_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))}[k]
				return v, ok
			}, config.Serve)
			if err != nil {
				t.Fatal(err)
			}
			p := app.Portal(c)
			if string(p) != cl.FlowPortal || !strings.HasPrefix(p.FlowURL("e", "f"), cl.FlowPortal+"/environments/e/flows/f") {
				t.Errorf("portal %q, want %q", p, cl.FlowPortal)
			}
			if tab := cards.TeamsTabLink(app.TeamsWeb(c), c.ClientID, "dashboard")(cards.ApprovalsSubEntity); !strings.HasPrefix(tab, "https://"+cl.TeamsHost+"/l/entity/") {
				t.Errorf("tab link %q, want it on %s", tab, cl.TeamsHost)
			}
		})
	}
}
