package powerplatform

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// failedUpdateItem returns the outputsLink URI of the failed connector action
// (Update_item, BadGateway) of flowFail's newest failed run.
func (fx *fixture) failedUpdateItem() (outputs, inputs string) {
	fx.t.Helper()
	tok := fx.flowToken(adele())
	failed := values(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs"+av+"&$top=1&$filter=status%20eq%20'Failed'", tok, 200))[0]
	a := props(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs/"+failed["name"].(string)+"/actions/Update_item"+av, tok, 200))
	return a["outputsLink"].(map[string]any)["uri"].(string), a["inputsLink"].(map[string]any)["uri"].(string)
}

func TestContentLinkServesTheConnectorError(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	out, in := fx.failedUpdateItem()
	u, err := url.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != fx.srv.ContentHost() || u.Host == strings.TrimPrefix(fx.srv.FlowURL(), "https://") {
		t.Fatalf("content link on %s, want the run-content host %s", u.Host, fx.srv.ContentHost())
	}
	q := u.Query()
	if q.Get("api-version") != "2016-06-01" || q.Get("sv") != "1.0" || q.Get("sig") == "" || q.Get("se") == "" ||
		!strings.HasSuffix(u.Path, "/actions/Update_item/contents/ActionOutputs") {
		t.Fatalf("content link shape: path %s, query keys %v", u.Path, len(q))
	}
	// Without a token: the raw outputs, the connector's error in body.error.
	m := fx.get(out, "", 200)
	body, _ := m["body"].(map[string]any)
	e, _ := body["error"].(map[string]any)
	if m["statusCode"] != float64(502) || e["code"] != "BadGateway" || !strings.Contains(e["message"].(string), "did not receive a response") {
		t.Fatalf("outputs = %v", m)
	}
	if in := fx.get(in, "", 200); in["host"] == nil {
		t.Fatalf("inputs = %v", in)
	}
	// The request log never keeps the signature.
	for _, r := range fx.srv.Requests() {
		if r.Route == RouteContentGet && (strings.Contains(r.Query, q.Get("sig")) || !strings.Contains(r.Query, "sig=REDACTED")) {
			t.Fatalf("logged query keeps the signature: %s", r.Query)
		}
	}
}

func TestContentLinkRefusals(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow), ContentTTL: 10 * time.Minute})
	out, _ := fx.failedUpdateItem()
	// A bearer token as well as the signature: 400, as Logic Apps answers.
	m := fx.get(out, fx.flowToken(adele()), http.StatusBadRequest)
	wantError(t, m, "DirectApiRequestHasMoreThanOneAuthorization", "both SAS authentication scheme and 'Bearer' authorization scheme")
	// A tampered signature, a missing one, another action's signature.
	u, _ := url.Parse(out)
	q := u.Query()
	for name, edit := range map[string]func(url.Values){
		"tampered": func(v url.Values) { v.Set("sig", strings.Repeat("A", len(v.Get("sig")))) },
		"missing":  func(v url.Values) { v.Del("sig") },
		"extended": func(v url.Values) { v.Set("se", "2099-01-01T00:00:00.0000000Z") },
	} {
		v := url.Values{}
		for k, vs := range q {
			v[k] = append([]string(nil), vs...)
		}
		edit(v)
		bad := *u
		bad.RawQuery = v.Encode()
		m := fx.with(t).get(bad.String(), "", http.StatusUnauthorized)
		if e, _ := m["error"].(map[string]any); e["code"] != "DirectApiInvalidAuthorizationSignature" {
			t.Errorf("%s signature: %v", name, m)
		}
	}
	other := strings.Replace(out, "/actions/Update_item/", "/actions/Get_item/", 1)
	fx.get(other, "", http.StatusUnauthorized)
	// After the link's expiry it is refused too.
	fx.clock.Advance(11 * time.Minute)
	m = fx.get(out, "", http.StatusUnauthorized)
	wantError(t, m, "DirectApiInvalidAuthorizationSignature", "not valid")
}

func TestContentFaultPadsBeyondContentSize(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	failed := values(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs"+av+"&$top=1&$filter=status%20eq%20'Failed'", tok, 200))[0]
	link := props(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs/"+failed["name"].(string)+"/actions/Update_item"+av, tok, 200))["outputsLink"].(map[string]any)
	fx.srv.SetFault(RouteContentGet, Fault{ContentPad: 4096})
	resp, b := fx.do("GET", link["uri"].(string), "", nil)
	var v map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(b, &v) != nil || len(b) != int(link["contentSize"].(float64))+4096 {
		t.Fatalf("padded answer: status %d, %d bytes, contentSize %v", resp.StatusCode, len(b), link["contentSize"])
	}
}
