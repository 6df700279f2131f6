package entra

import (
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func getJSON(t *testing.T, f *fixture, url string) (int, map[string]any) {
	t.Helper()
	resp, err := f.srv.Client().Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(t, resp.Body)
}

func TestDiscoveryV2(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, seg := range []string{demo.TenantID, demo.TenantDomain} {
		status, doc := getJSON(t, f, f.srv.URL()+"/"+seg+"/v2.0/.well-known/openid-configuration")
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", seg, status)
		}
		want := map[string]string{
			"issuer":                 f.srv.URL() + "/" + demo.TenantID + "/v2.0",
			"token_endpoint":         f.srv.URL() + "/" + seg + "/oauth2/v2.0/token",
			"authorization_endpoint": f.srv.URL() + "/" + seg + "/oauth2/v2.0/authorize",
			"jwks_uri":               f.srv.URL() + "/" + seg + "/discovery/v2.0/keys",
		}
		for k, v := range want {
			if doc[k] != v {
				t.Errorf("%s: %s = %v, want %s", seg, k, doc[k], v)
			}
		}
		if rt, _ := doc["response_types_supported"].([]any); len(rt) == 0 || rt[0] != "code" {
			t.Errorf("response_types_supported = %v", doc["response_types_supported"])
		}
	}
}

func TestDiscoveryV1AndCommon(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, v1 := getJSON(t, f, f.srv.URL()+"/"+demo.TenantID+"/.well-known/openid-configuration")
	if got, want := v1["issuer"], "https://sts.windows.net/"+demo.TenantID+"/"; got != want {
		t.Errorf("v1 issuer = %v, want %s", got, want)
	}
	_, common := getJSON(t, f, f.srv.URL()+"/common/v2.0/.well-known/openid-configuration")
	if got, want := common["issuer"], f.srv.URL()+"/{tenantid}/v2.0"; got != want {
		t.Errorf("common issuer = %v, want %s", got, want)
	}
}

func TestDiscoveryUnknownTenant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body := getJSON(t, f, f.srv.URL()+"/00000000-0000-0000-0000-00000000dead/v2.0/.well-known/openid-configuration")
	checkEntraError(t, status, body, http.StatusBadRequest, "invalid_tenant", 90002)
}

// jwksKeys fetches a JWKS and turns it into RSA keys by kid, checking its shape.
func jwksKeys(t *testing.T, f *fixture, url string) map[string]*rsa.PublicKey {
	t.Helper()
	status, body := getJSON(t, f, url)
	if status != http.StatusOK {
		t.Fatalf("JWKS status %d", status)
	}
	keys, _ := body["keys"].([]any)
	out := map[string]*rsa.PublicKey{}
	for _, k := range keys {
		m := k.(map[string]any)
		if m["kty"] != "RSA" || m["use"] != "sig" {
			t.Errorf("kty/use = %v/%v, want RSA/sig", m["kty"], m["use"])
		}
		if _, ok := m["alg"]; ok {
			t.Errorf("key has alg %v; Microsoft's keys have none", m["alg"])
		}
		kid, _ := m["kid"].(string)
		if kid == "" || m["x5t"] != kid {
			t.Errorf("kid %q, x5t %v: want both set and equal", kid, m["x5t"])
		}
		n, err := base64.RawURLEncoding.DecodeString(m["n"].(string))
		if err != nil {
			t.Fatalf("n: %v", err)
		}
		e, err := base64.RawURLEncoding.DecodeString(m["e"].(string))
		if err != nil {
			t.Fatalf("e: %v", err)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() != 2048 || pub.E != 65537 {
			t.Errorf("key size %d, e %d; want 2048, 65537", pub.N.BitLen(), pub.E)
		}
		out[kid] = pub
	}
	return out
}

func verifyWithJWKS(keys map[string]*rsa.PublicKey, tok string) error {
	_, err := jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		if k, ok := keys[kid]; ok {
			return k, nil
		}
		return nil, jwt.ErrTokenUnverifiable
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	return err
}

func TestJWKSShapeAndVerification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	common := jwksKeys(t, f, f.srv.URL()+"/common/discovery/v2.0/keys")
	tenant := jwksKeys(t, f, f.srv.JWKSURL(demo.TenantID))
	if len(common) != 1 || len(tenant) != 1 {
		t.Fatalf("got %d/%d keys, want 1/1", len(common), len(tenant))
	}
	tok := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2})
	if err := verifyWithJWKS(tenant, tok); err != nil {
		t.Errorf("SSO token does not verify against the JWKS: %v", err)
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID})
	if err := f.srv.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	after := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID})
	if headerKid(before) == headerKid(after) {
		t.Fatal("token after rotation has the old kid")
	}
	overlap := jwksKeys(t, f, f.srv.JWKSURL("common"))
	if len(overlap) != 2 {
		t.Fatalf("during overlap JWKS has %d keys, want 2", len(overlap))
	}
	for name, tok := range map[string]string{"before": before, "after": after} {
		if err := verifyWithJWKS(overlap, tok); err != nil {
			t.Errorf("%s: JWKS verify during overlap: %v", name, err)
		}
		if _, err := jwt.Parse(tok, f.srv.Keyfunc, jwt.WithTimeFunc(f.clock.Now)); err != nil {
			t.Errorf("%s: Keyfunc during overlap: %v", name, err)
		}
	}
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
	if status, body := f.post(t, demo.TenantID, oboForm(before, flowDefault)); status != http.StatusOK {
		t.Errorf("OBO with pre-rotation assertion during overlap: %d %v", status, body)
	}

	f.srv.RetireOldKeys()
	retired := jwksKeys(t, f, f.srv.JWKSURL("common"))
	if len(retired) != 1 {
		t.Fatalf("after retirement JWKS has %d keys, want 1", len(retired))
	}
	if err := verifyWithJWKS(retired, before); err == nil {
		t.Error("pre-rotation token still verifies against the JWKS after retirement")
	}
	if _, err := jwt.Parse(before, f.srv.Keyfunc, jwt.WithTimeFunc(f.clock.Now)); err == nil {
		t.Error("pre-rotation token still verifies with Keyfunc after retirement")
	}
	if err := verifyWithJWKS(retired, after); err != nil {
		t.Errorf("post-rotation token after retirement: %v", err)
	}
	status, body := f.post(t, demo.TenantID, oboForm(before, flowDefault))
	checkEntraError(t, status, body, http.StatusBadRequest, "invalid_grant", 50013)
}
