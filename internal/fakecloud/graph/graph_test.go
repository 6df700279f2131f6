package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

func setup(t *testing.T) (*Server, *entra.Server) {
	t.Helper()
	idp, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	g, err := New(Options{Keyfunc: idp.Keyfunc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g, idp
}

func call(t *testing.T, g *Server, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, g.URL()+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestMe(t *testing.T) {
	g, idp := setup(t)
	adele := demo.Users()[0]
	tok, err := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, "User.Read")
	if err != nil {
		t.Fatal(err)
	}
	code, body := call(t, g, "GET", "/v1.0/me", tok, nil)
	if code != 200 || body["displayName"] != adele.Name || body["id"] != adele.ID || body["userPrincipalName"] != adele.UPN {
		t.Fatalf("/me = %d %v", code, body)
	}
}

func TestAuthFailures(t *testing.T) {
	g, idp := setup(t)
	adele := demo.Users()[0]
	flowTok, _ := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.FlowResource, "Flows.Read.All")
	appTok, _ := idp.Sign(map[string]any{"aud": "https://graph.microsoft.com", "tid": demo.TenantID, "oid": adele.ID, "roles": []string{"User.Read.All"}, "exp": 4102444800})
	for _, tc := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"no token", "", 401, "InvalidAuthenticationToken"},
		{"garbage", "abc.def.ghi", 401, "InvalidAuthenticationToken"},
		{"wrong audience", flowTok, 401, "InvalidAuthenticationToken"},
		{"app-only", appTok, 403, "Authorization_RequestDenied"},
	} {
		code, body := call(t, g, "GET", "/v1.0/me", tc.token, nil)
		if code != tc.status || errCode(body) != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, code, body, tc.status, tc.code)
		}
	}
}
