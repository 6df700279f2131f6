package graph

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// TestAudienceFormsPerCloud checks that Graph accepts its three real forms
// of its own cloud (URI with and without slash, app id) and no other cloud's.
func TestAudienceFormsPerCloud(t *testing.T) {
	adele := demo.Users()[0]
	for _, name := range cloud.Names() {
		cl, _ := cloud.Get(name)
		idp, err := entra.New(entra.Options{Demo: true, Cloud: name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idp.Close() })
		g, err := New(Options{Keyfunc: idp.Keyfunc, Cloud: name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		uri := strings.TrimSuffix(cl.GraphAudience, "/")
		for _, aud := range []string{uri, uri + "/", graphAppID} {
			tok, err := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, aud, "User.Read")
			if err != nil {
				t.Fatal(err)
			}
			if code, body := call(t, g, "GET", "/v1.0/me", tok, nil); code != 200 {
				t.Errorf("%s: aud %s: %d %v", name, aud, code, body)
			}
		}
		if cl.GraphAudience != entra.GraphResource { // GCC shares the public Graph
			// Minted by a public-cloud Entra: the public Graph audience.
			pub, _ := entra.New(entra.Options{Demo: true})
			t.Cleanup(func() { pub.Close() })
			g2, _ := New(Options{Keyfunc: pub.Keyfunc, Cloud: name})
			t.Cleanup(func() { g2.Close() })
			tok, _ := pub.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, "User.Read")
			if code, body := call(t, g2, "GET", "/v1.0/me", tok, nil); code != 401 || errCode(body) != "InvalidAuthenticationToken" {
				t.Errorf("%s: the public Graph audience: %d %v, want 401", name, code, body)
			}
		}
	}
	idp, err := entra.New(entra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	if _, err := New(Options{Keyfunc: idp.Keyfunc, Cloud: "mars"}); err == nil {
		t.Error("unknown cloud accepted")
	}
}
