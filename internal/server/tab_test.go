package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

var _ Operations = (*ops.Service)(nil)

// tabCloud is a Server with the real ops over the local cloud, a real SQLite
// store and the real SSO verifier, served on loopback.
type tabCloud struct {
	cloud *cloudtest.Cloud
	url   string
	token string // Adele's Teams SSO token
	store *sqlstore.Store

	mu       sync.Mutex
	signOuts []flowdeck.Principal
}

// tabDeps builds the ops service and verifier of a tab API test or benchmark.
func tabDeps(tb testing.TB, o cloudtest.Options) (*cloudtest.Cloud, Options, string) {
	tb.Helper()
	cloud, opts, tok, _ := tabDepsStore(tb, o)
	return cloud, opts, tok
}

// tabDepsStore is tabDeps with the store under the ops service.
func tabDepsStore(tb testing.TB, o cloudtest.Options) (*cloudtest.Cloud, Options, string, *sqlstore.Store) {
	tb.Helper()
	ctx := tb.Context()
	cloud := cloudtest.New(tb, o)
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := sqlstore.Open(ctx, sqlstore.Options{URL: filepath.Join(tb.TempDir(), "fd.db"), Keyring: k})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	v, err := identity.NewVerifier(ctx, identity.VerifierOptions{
		JWKSURL: cloud.Entra.JWKSURL("common"), HTTPClient: cloud.Entra.Client(),
		ClientID: demo.ClientID, AppIDURI: demo.AppIDURI, AllowedTenants: []string{demo.TenantID},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(v.Close)
	tok, err := cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: demo.TenantID, UserID: cloudtest.Adele().ID})
	if err != nil {
		tb.Fatal(err)
	}
	svc := ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st, Jobs: st})
	return cloud, Options{Verifier: v, Ops: svc}, tok, st
}

// newTabCloud serves the tab API over the demo tenant.
func newTabCloud(t *testing.T) *tabCloud {
	t.Helper()
	cloud, opts, tok, st := tabDepsStore(t, cloudtest.Options{})
	tc := &tabCloud{cloud: cloud, token: tok, store: st}
	opts.SignOut = func(_ context.Context, p flowdeck.Principal) error {
		tc.mu.Lock()
		defer tc.mu.Unlock()
		tc.signOuts = append(tc.signOuts, p)
		return nil
	}
	tc.url = newTestServer(t, opts, nil).URL
	return tc
}

// signedOut returns the principals SignOut was called with.
func (tc *tabCloud) signedOut() []flowdeck.Principal {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]flowdeck.Principal(nil), tc.signOuts...)
}

// call sends method path as Adele; a non-empty body goes as application/json.
func (tc *tabCloud) call(t *testing.T, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + tc.token}}
	var r io.Reader
	if body != "" {
		h.Set("Content-Type", "application/json")
		r = strings.NewReader(body)
	}
	return do(t, method, tc.url+path, r, h)
}

// json calls like call, wants status want and decodes the answer into v.
func (tc *tabCloud) json(t *testing.T, method, path, body string, want int, v any) *http.Response {
	t.Helper()
	resp, b := tc.call(t, method, path, body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: body %s: %v", method, path, b, err)
		}
	}
	return resp
}

func wantCache(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	if got := resp.Header.Get("Cache-Control"); got != want {
		t.Errorf("%s %s: Cache-Control %q, want %q", resp.Request.Method, resp.Request.URL.Path, got, want)
	}
}

func TestTabDashboard(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	resp := tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	wantCache(t, resp, cacheBriefly)
	if d.Window != "24h" || len(d.PendingApprovals) != 5 || len(d.BrokenConnection) != 1 || len(d.Failing) == 0 || len(d.Partial) != 0 {
		t.Errorf("dashboard: window %q, %d pending, %d broken, %d failing, partial %v",
			d.Window, len(d.PendingApprovals), len(d.BrokenConnection), len(d.Failing), d.Partial)
	}
	tc.json(t, http.MethodGet, "/api/dashboard?window=7d", "", http.StatusOK, &d)
	if d.Window != "7d" {
		t.Errorf("window = %q, want 7d", d.Window)
	}
}

func TestTabEnvironmentsAppsConnections(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var envs environmentsResponse
	resp := tc.json(t, http.MethodGet, "/api/environments", "", http.StatusOK, &envs)
	wantCache(t, resp, cacheBriefly)
	if len(envs.Environments) != 3 {
		t.Errorf("%d environments, want the demo tenant's 3", len(envs.Environments))
	}
	var apps ops.AppsReport
	wantCache(t, tc.json(t, http.MethodGet, "/api/apps", "", http.StatusOK, &apps), cacheBriefly)
	if len(apps.Apps) == 0 {
		t.Error("no apps")
	}
	var conns ops.ConnectionsReport
	wantCache(t, tc.json(t, http.MethodGet, "/api/connections", "", http.StatusOK, &conns), cacheBriefly)
	if len(conns.Connections) == 0 || conns.Connections[0].Status == flowdeck.ConnectionConnected {
		t.Errorf("connections do not start with the broken one: %+v", conns.Connections)
	}
}

func TestTabPartialNamesTheEnvironment(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	tc.cloud.PP.SetFault(powerplatform.RouteConnectionsList, powerplatform.Fault{Status: http.StatusForbidden, Times: 1,
		Code: "EnvironmentAccessDenied", Message: "Access to the environment is denied."})
	var rep ops.ConnectionsReport
	tc.json(t, http.MethodGet, "/api/connections", "", http.StatusOK, &rep)
	if len(rep.Partial) != 1 || rep.Partial[0].Name == "" || rep.Partial[0].EnvironmentID == "" || rep.Partial[0].Code != "forbidden" || rep.Partial[0].Message == "" {
		t.Fatalf("partial = %+v", rep.Partial)
	}
	if len(rep.Connections) == 0 {
		t.Error("the environments that answered are missing")
	}
}

func TestTabNoToken(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/dashboard"}, {http.MethodGet, "/api/flows"}, {http.MethodPost, "/api/signout"}, {http.MethodPut, "/api/settings"},
	} {
		resp, b := do(t, r.method, tc.url+r.path, nil, nil)
		if resp.StatusCode != http.StatusUnauthorized || decodeError(t, resp, b).Code != "unauthenticated" {
			t.Errorf("%s %s without a token: %d %s", r.method, r.path, resp.StatusCode, b)
		}
	}
	if n := len(tc.cloud.PP.Requests()); n != 0 {
		t.Errorf("%d requests reached Power Platform", n)
	}
	if len(tc.signedOut()) != 0 {
		t.Error("signed out without a token")
	}
}

func TestTabMissingScope(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var list ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?state=Started&limit=1", "", http.StatusOK, &list)
	f := list.Items[0]
	tc.cloud.Tokens.SetScopes(identity.Flow, powerplatform.ScopeFlowsRead)
	resp, b := tc.call(t, http.MethodPost, "/api/flows/"+f.EnvironmentID+"/"+f.ID+"/state", `{"on":false}`)
	e := decodeError(t, resp, b)
	want := "FlowDeck is missing the Flows.Manage.All permission; ask your admin to grant FlowDeck the Flows.Manage.All permission."
	if resp.StatusCode != http.StatusForbidden || e.Code != "forbidden" || e.Message != want || e.Detail["scope"] != "Flows.Manage.All" {
		t.Errorf("missing scope: %d %+v", resp.StatusCode, e)
	}
	wantCache(t, resp, cacheNever)
}

func TestTabRoutesNeedOps(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{}, nil)
	resp, b := get(t, ts.URL+"/api/flows", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /api/flows without Ops: %d %s, want 404", resp.StatusCode, b)
	}
}
