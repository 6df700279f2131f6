package graph

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// TestRevokeTokens: a revoked user's old token is refused; a client that
// declared cp1 gets the CAE claims challenge (insufficient_claims with a
// base64 nbf claims request), any other the plain invalid_token refusal;
// tokens issued after the revocation's second work.
func TestRevokeTokens(t *testing.T) {
	clk := &clock{t: time.Now()}
	idp, err := entra.New(entra.Options{Demo: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	g, err := New(Options{Keyfunc: idp.Keyfunc, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	adele := demo.Users()[0]
	plain, err := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, "User.Read")
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(plain, claims, idp.Keyfunc); err != nil {
		t.Fatal(err)
	}
	claims["xms_cc"] = []string{"cp1"}
	capable, err := idp.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := call(t, g, "GET", "/v1.0/me", capable, nil); code != http.StatusOK {
		t.Fatalf("before the revocation: %d", code)
	}
	g.RevokeTokens(demo.TenantID, adele.ID)

	for _, tc := range []struct {
		name, token, wantErr string
		claims               bool
	}{{"cp1", capable, "insufficient_claims", true}, {"no capability", plain, "invalid_token", false}} {
		req, _ := http.NewRequest("GET", g.URL()+"/v1.0/me", nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		resp, err := g.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header.Get("WWW-Authenticate")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(h, `error="`+tc.wantErr+`"`) {
			t.Fatalf("%s: %d %q", tc.name, resp.StatusCode, h)
		}
		m := regexp.MustCompile(`claims="([^"]+)"`).FindStringSubmatch(h)
		if (m != nil) != tc.claims {
			t.Fatalf("%s: claims in %q: %v, want %v", tc.name, h, m != nil, tc.claims)
		}
		if m != nil {
			raw, err := base64.StdEncoding.DecodeString(m[1])
			if err != nil || !strings.HasPrefix(string(raw), `{"access_token":{"nbf":{"essential":true,"value":"`) {
				t.Errorf("%s: claims %q (%v)", tc.name, raw, err)
			}
		}
	}
	clk.Add(time.Second)
	fresh, _ := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, "User.Read")
	if code, _ := call(t, g, "GET", "/v1.0/me", fresh, nil); code != http.StatusOK {
		t.Errorf("a token issued after the revocation: %d", code)
	}
}
