package graph_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// mintTokens mints at the fake Entra ID a token for exactly the audience the
// transport asks for, with the scopes a test grants.
type mintTokens struct {
	e      *entra.Server
	reg    *identity.Registry
	scopes []string
}

func (m mintTokens) Token(_ context.Context, p flowdeck.Principal, key string) (string, error) {
	a, _ := m.reg.Get(key)
	return m.e.MintAccessToken(p.TenantID, p.UserID, demo.ClientID, a.Resource, m.scopes...)
}

func setup(t *testing.T, scopes ...string) (*graph.Client, *fakegraph.Server) {
	t.Helper()
	e, g, reg := fakes(t)
	hc := upstream.NewClient(upstream.Options{Tokens: mintTokens{e, reg, scopes}, Audiences: reg, Base: g.Client().Transport})
	base, _ := url.Parse(g.URL())
	return graph.New(graph.Options{BaseURL: base, HTTP: hc}), g
}

func as(u demo.User) context.Context {
	return flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID})
}

func TestMe(t *testing.T) {
	c, _ := setup(t, "User.Read")
	adele := demo.Users()[0]
	p, err := c.Me(as(adele))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != adele.ID || p.DisplayName != adele.Name || p.UPN != adele.UPN || p.JobTitle != adele.JobTitle {
		t.Errorf("Me = %+v", p)
	}
	if _, err := c.Me(context.Background()); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("Me without a principal: %v, want unauthenticated (nothing sent)", err)
	}
}

func TestDisplayNamesBatches(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	foreign := demo.UsersOf(demo.OtherTenantID)[0]
	c, g := setup(t, "User.Read", "User.ReadBasic.All")
	ids := []string{users[1].ID, strings.ToUpper(users[2].ID), users[1].ID, foreign.ID, "not-a-guid", "00000000-0000-0000-0000-000000000000"}
	names, err := c.DisplayNames(as(users[0]), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[users[1].ID] != users[1].Name || names[users[2].ID] != users[2].Name {
		t.Errorf("DisplayNames = %v; want two Contoso users, no duplicate, nothing from Fabrikam", names)
	}
	if b, l := g.Calls("/v1.0/$batch"), g.UserLookups(); b != 1 || l != 4 {
		t.Errorf("%d batches, %d look-ups; want 1 batch of the 4 distinct object ids", b, l)
	}
	if n := g.Calls("/v1.0/directoryObjects/getByIds"); n != 0 {
		t.Errorf("%d getByIds calls; FlowDeck must not need Directory.Read.All", n)
	}
	// More ids than one batch takes are split into batches of 20.
	many := make([]string, 0, 2*graph.MaxBatch+5)
	for i := range cap(many) {
		many = append(many, uuidN(i+1))
	}
	many = append(many, users[3].ID)
	names, err = c.DisplayNames(as(users[0]), many)
	if err != nil {
		t.Fatal(err)
	}
	if b := g.Calls("/v1.0/$batch"); b != 1+3 || names[users[3].ID] != users[3].Name {
		t.Errorf("%d batches after 46 ids (want 1+3); names %v", b, names)
	}
	// One id is one plain GET /users/{id}.
	if names, err := c.DisplayNames(as(users[0]), []string{users[4].ID}); err != nil || names[users[4].ID] != users[4].Name {
		t.Errorf("one id: %v %v", names, err)
	}
	if n := g.Calls("/v1.0/users/" + users[4].ID); n != 1 {
		t.Errorf("%d GET /users/{id}, want 1", n)
	}
}

func TestDisplayNamesUnknownIDIsLeftOut(t *testing.T) {
	c, _ := setup(t, "User.ReadBasic.All")
	names, err := c.DisplayNames(as(demo.Users()[0]), []string{"00000000-0000-0000-0000-00000000abcd"})
	if err != nil || len(names) != 0 {
		t.Errorf("unknown id: %v %v; want no name and no error (404 is an answer)", names, err)
	}
}

func TestDisplayNamesWithoutConsentIsForbidden(t *testing.T) {
	c, _ := setup(t, "User.Read")
	for _, ids := range [][]string{{demo.Users()[1].ID}, {demo.Users()[1].ID, demo.Users()[2].ID}} {
		_, err := c.DisplayNames(as(demo.Users()[0]), ids)
		if !errors.Is(err, flowdeck.ErrForbidden) {
			t.Fatalf("%d ids: err = %v, want forbidden", len(ids), err)
		}
		if msg := flowdeck.Message(err); !strings.Contains(msg, "User.ReadBasic.All") {
			t.Errorf("message %q does not name the permission", msg)
		}
	}
}

func uuidN(i int) string {
	const hex = "0123456789abcdef"
	b := []byte("00000000-0000-4000-8000-000000000000")
	for p, n := len(b)-1, i; n > 0 && p >= 0; p-- {
		if b[p] == '-' {
			continue
		}
		b[p] = hex[n%16]
		n /= 16
	}
	return string(b)
}

// fakes starts the fake Entra ID and the fake Graph that trusts its tokens,
// and the audience registry that points at that Graph.
func fakes(t *testing.T) (*entra.Server, *fakegraph.Server, *identity.Registry) {
	t.Helper()
	e, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	g, err := fakegraph.New(fakegraph.Options{Keyfunc: e.Keyfunc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	reg, err := identity.NewRegistry(identity.RegistryOptions{Cloud: "public", GraphURL: g.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return e, g, reg
}
