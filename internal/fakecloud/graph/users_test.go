package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

func token(t *testing.T, idp *entra.Server, u demo.User, scopes ...string) string {
	t.Helper()
	tok, err := idp.MintAccessToken(u.TenantID, u.ID, demo.ClientID, entra.GraphResource, scopes...)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestUserNeedsAPermissionThatReadsOthers(t *testing.T) {
	g, idp := setup(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	for _, tc := range []struct {
		name   string
		scopes []string
		id     string
		status int
		code   string
	}{
		{"User.Read reads no one by id", []string{"User.Read"}, megan.ID, 403, "Authorization_RequestDenied"},
		{"User.Read covers /me only, not /users/{own id}", []string{"User.Read"}, adele.ID, 403, "Authorization_RequestDenied"},
		{"User.ReadBasic.All", []string{"User.Read", "User.ReadBasic.All"}, megan.ID, 200, ""},
		{"User.Read.All", []string{"User.Read.All"}, megan.ID, 200, ""},
		{"Directory.Read.All", []string{"Directory.Read.All"}, megan.ID, 200, ""},
		{"unknown id", []string{"User.ReadBasic.All"}, "00000000-0000-0000-0000-00000000abcd", 404, "Request_ResourceNotFound"},
	} {
		code, body := call(t, g, "GET", "/v1.0/users/"+tc.id+"?$select=id,displayName", token(t, idp, adele, tc.scopes...), nil)
		if code != tc.status || errCode(body) != tc.code {
			t.Errorf("%s: %d %v, want %d %q", tc.name, code, body, tc.status, tc.code)
		}
		if tc.status == 200 && body["displayName"] != megan.Name {
			t.Errorf("%s: %v, want Megan's name", tc.name, body)
		}
		if tc.status == 404 {
			msg := body["error"].(map[string]any)["message"].(string)
			if !strings.Contains(msg, tc.id) || !strings.Contains(msg, "does not exist") {
				t.Errorf("404 message %q", msg)
			}
		}
	}
}

func TestReadBasicAllReadsTheBasicProfileOnly(t *testing.T) {
	g, idp := setup(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	_, body := call(t, g, "GET", "/v1.0/users/"+megan.ID, token(t, idp, adele, "User.ReadBasic.All"), nil)
	if body["displayName"] != megan.Name || body["jobTitle"] != nil {
		t.Errorf("basic profile = %v; want the name and no job title", body)
	}
	_, body = call(t, g, "GET", "/v1.0/users/"+megan.ID, token(t, idp, adele, "User.Read.All"), nil)
	if body["jobTitle"] != megan.JobTitle {
		t.Errorf("full profile = %v; want the job title", body)
	}
	code, body := call(t, g, "GET", "/v1.0/users/"+megan.ID+"?$select=id,shoeSize", token(t, idp, adele, "User.ReadBasic.All"), nil)
	if code != 400 || errCode(body) != "BadRequest" {
		t.Errorf("unknown $select property: %d %v", code, body)
	}
}

func TestGetByIDsNeedsDirectoryReadAll(t *testing.T) {
	g, idp := setup(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	foreign := demo.UsersOf(demo.OtherTenantID)[0]
	ids := map[string]any{"ids": []string{megan.ID, foreign.ID, "nope"}, "types": []string{"user"}}
	for _, scopes := range [][]string{{"User.Read"}, {"User.Read", "User.ReadBasic.All"}, {"User.Read.All"}} {
		if code, body := call(t, g, "POST", "/v1.0/directoryObjects/getByIds", token(t, idp, adele, scopes...), ids); code != 403 || errCode(body) != "Authorization_RequestDenied" {
			t.Errorf("getByIds with %v: %d %v, want 403 Authorization_RequestDenied", scopes, code, body)
		}
	}
	dir := token(t, idp, adele, "Directory.Read.All")
	code, body := call(t, g, "POST", "/v1.0/directoryObjects/getByIds", dir, ids)
	vals, _ := body["value"].([]any)
	if code != 200 || len(vals) != 1 || vals[0].(map[string]any)["displayName"] != megan.Name {
		t.Errorf("getByIds = %d %v; want only Megan (the foreign tenant's user and unknown ids left out)", code, body)
	}
	if code, _ := call(t, g, "POST", "/v1.0/directoryObjects/getByIds", dir, map[string]any{"ids": make([]string, 1001)}); code != 400 {
		t.Errorf("1001 ids: %d, want 400", code)
	}
	if code, body := call(t, g, "GET", "/v1.0/users/"+foreign.ID, dir, nil); code != 404 {
		t.Errorf("another tenant's user: %d %v", code, body)
	}
	if code, body := call(t, g, "GET", "/v1.0/nothing", dir, nil); code != 400 || !strings.Contains(errCode(body), "BadRequest") {
		t.Errorf("unknown path: %d %v", code, body)
	}
}

func batchOf(ids ...string) map[string]any {
	var reqs []map[string]any
	for i, id := range ids {
		reqs = append(reqs, map[string]any{"id": fmt.Sprint(i + 1), "method": "GET", "url": "/users/" + id + "?$select=id,displayName"})
	}
	return map[string]any{"requests": reqs}
}

// responses maps a batch answer's responses by id.
func responses(t *testing.T, body map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	rs, _ := body["responses"].([]any)
	for _, r := range rs {
		m := r.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

func TestBatch(t *testing.T) {
	g, idp := setup(t)
	adele, megan, alex := demo.Users()[0], demo.Users()[1], demo.Users()[2]
	foreign := demo.UsersOf(demo.OtherTenantID)[0]
	basic := token(t, idp, adele, "User.Read", "User.ReadBasic.All")

	code, body := call(t, g, "POST", "/v1.0/$batch", basic, batchOf(megan.ID, foreign.ID, alex.ID))
	rs := responses(t, body)
	if code != 200 || len(rs) != 3 {
		t.Fatalf("batch = %d %v", code, body)
	}
	if b := rs["1"]["body"].(map[string]any); rs["1"]["status"] != 200.0 || b["displayName"] != megan.Name {
		t.Errorf("request 1 = %v", rs["1"])
	}
	if b := rs["2"]["body"].(map[string]any); rs["2"]["status"] != 404.0 || errCode(b) != "Request_ResourceNotFound" {
		t.Errorf("request 2 (another tenant's user) = %v", rs["2"])
	}
	if first := body["responses"].([]any)[0].(map[string]any)["id"]; first != "3" {
		t.Errorf("responses in request order; the fake answers out of order, as Graph may (first id %v)", first)
	}
	if g.Calls("/v1.0/$batch") != 1 || g.UserLookups() != 3 {
		t.Errorf("calls %d, look-ups %d; want 1 and 3", g.Calls("/v1.0/$batch"), g.UserLookups())
	}

	// Each request is authorised on its own: without the permission every one is 403, the batch itself 200.
	code, body = call(t, g, "POST", "/v1.0/$batch", token(t, idp, adele, "User.Read"), batchOf(megan.ID))
	if r := responses(t, body)["1"]; code != 200 || r["status"] != 403.0 || errCode(r["body"].(map[string]any)) != "Authorization_RequestDenied" {
		t.Errorf("batch without User.ReadBasic.All = %d %v", code, body)
	}

	ids := make([]string, 21)
	for i := range ids {
		ids[i] = megan.ID
	}
	if code, body := call(t, g, "POST", "/v1.0/$batch", basic, batchOf(ids...)); code != 400 || errCode(body) != "BadRequest" {
		t.Errorf("21 requests: %d %v, want 400 BadRequest", code, body)
	}
	if code, _ := call(t, g, "POST", "/v1.0/$batch", basic, batchOf(ids[:20]...)); code != 200 {
		t.Errorf("20 requests: %d, want 200", code)
	}
	dup := map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/users/" + megan.ID}, {"id": "1", "method": "GET", "url": "/users/" + alex.ID}}}
	if code, _ := call(t, g, "POST", "/v1.0/$batch", basic, dup); code != 400 {
		t.Errorf("duplicate ids: %d, want 400", code)
	}
	if code, body := call(t, g, "POST", "/v1.0/$batch", "", batchOf(megan.ID)); code != 401 || errCode(body) != "InvalidAuthenticationToken" {
		t.Errorf("no token: %d %v", code, body)
	}
	g.SetUnavailable(true)
	_, body = call(t, g, "POST", "/v1.0/$batch", basic, batchOf(megan.ID))
	if r := responses(t, body)["1"]; r["status"] != 503.0 {
		t.Errorf("outage: %v, want 503 inside the batch", r)
	}
}
