package powerplatform

import (
	"net/url"
	"testing"
)

func TestApps(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.paToken(adele())
	base := fx.srv.PowerAppsURL() + powerAppsPrefix + "/apps"
	got := names(values(fx.get(base+"?api-version=2017-08-01", tok, 200)))
	if len(got) != 2 || !got[appMine] || !got[appShared] {
		t.Errorf("apps %v", got)
	}
	f := url.QueryEscape("classification eq 'EditableApps' and environment eq '" + envDefault + "'")
	got = names(values(fx.get(base+av+"&$filter="+f, tok, 200)))
	if len(got) != 1 || !got[appMine] {
		t.Errorf("editable apps %v", got)
	}
	a := fx.get(base+"/"+appShared+av, tok, 200)
	p := props(a)
	if a["type"] != "Microsoft.PowerApps/apps" || p["displayName"] != "Expense Tracker" || p["appOpenUri"] == nil || p["owner"].(map[string]any)["displayName"] != "Megan Bowen" {
		t.Errorf("app %v", a)
	}
	m := fx.get(base+"/"+appHidden+av, tok, 404)
	wantError(t, m, "AppNotFound", "Could not find App '"+appHidden+"'.")
	fx.get(base+av+"&$filter="+url.QueryEscape("environment eq 'nope'"), tok, 403)
}

func TestConnections(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.paToken(adele())
	f := url.QueryEscape("environment eq '" + envDefault + "'")
	conns := values(fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/connections"+av+"&$filter="+f, tok, 200))
	if len(conns) != 2 {
		t.Fatalf("got %d connections, want 2 (flow connections hidden)", len(conns))
	}
	byName := map[string]map[string]any{}
	for _, c := range conns {
		byName[c["name"].(string)] = props(c)
		if c["type"] != "Microsoft.PowerApps/apis/connections" {
			t.Errorf("type %v", c["type"])
		}
	}
	ok := byName["shared-office365-1"]["statuses"].([]any)[0].(map[string]any)
	if ok["status"] != ConnectionConnected || ok["error"] != nil {
		t.Errorf("connected status %v", ok)
	}
	bad := byName["shared-sharepointonl-2"]["statuses"].([]any)[0].(map[string]any)
	if bad["status"] != ConnectionError || bad["target"] != "token" || bad["error"].(map[string]any)["code"] != "Unauthorized" {
		t.Errorf("error status %v", bad)
	}
	if api := byName["shared-sharepointonl-2"]["apiId"]; api != "/providers/Microsoft.PowerApps/apis/shared_sharepointonline" {
		t.Errorf("apiId %v", api)
	}
	one := values(fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/apis/shared_office365/connections"+av+"&$filter="+f, tok, 200))
	if len(one) != 1 || one[0]["name"] != "shared-office365-1" {
		t.Errorf("per-connector %v", one)
	}
	fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/connections"+av+"&$filter="+url.QueryEscape("owner eq 'me'"), tok, 400)
}
