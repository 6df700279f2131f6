package powerapps_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// entraTokens mints at the fake Entra ID a token for exactly the audience the transport asks for.
type entraTokens struct {
	e   *entra.Server
	reg *identity.Registry
	mu  sync.Mutex
}

func (t *entraTokens) Token(_ context.Context, p flowdeck.Principal, key string) (string, error) {
	a, _ := t.reg.Get(key)
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.e.MintAccessToken(p.TenantID, p.UserID, "", a.Resource, a.Scopes...)
}

func setup(t *testing.T, pageSize int, swap bool) (*powerapps.Client, *powerplatform.Server) {
	e, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 3, FlowsPerEnvironment: 5, RunsPerFlow: 2, Seed: 3, Now: time.Now()})
	pp, err := powerplatform.New(powerplatform.Options{Keyfunc: e.Keyfunc, Tenant: tenant, PageSize: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pp.Close)
	ro := identity.RegistryOptions{Cloud: "public", FlowURL: pp.FlowURL(), PowerAppsURL: pp.PowerAppsURL(), BAPURL: pp.BAPURL()}
	if swap {
		ro.FlowURL, ro.PowerAppsURL = pp.PowerAppsURL(), pp.FlowURL()
	}
	reg, err := identity.NewRegistry(ro)
	if err != nil {
		t.Fatal(err)
	}
	hc := upstream.NewClient(upstream.Options{Tokens: &entraTokens{e: e, reg: reg}, Audiences: reg, Base: pp.Client().Transport})
	base, _ := url.Parse(pp.PowerAppsURL())
	bap, _ := url.Parse(pp.BAPURL())
	return powerapps.New(powerapps.Options{BaseURL: base, BAPURL: bap, HTTP: hc}), pp
}

func TestEnvironmentsAppsConnections(t *testing.T) {
	c, pp := setup(t, 2, false)
	u := demo.Users()[0]
	ctx := flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID})
	envs, err := c.Environments(ctx)
	if err != nil || len(envs) != 3 {
		t.Fatalf("envs = %+v, %v", envs, err)
	}
	var apps, conns, broken int
	for _, e := range envs {
		as, err := c.Apps(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.DisplayName == "" || a.Link == "" || a.EnvironmentID != e.ID {
				t.Fatalf("app %+v", a)
			}
		}
		apps += len(as)
		cs, err := c.Connections(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, cn := range cs {
			if cn.API == "" || cn.Status == "" || cn.API == "shared_logicflows" {
				t.Fatalf("connection %+v", cn)
			}
			if cn.Status == flowdeck.ConnectionError {
				broken++
				if cn.ErrorMessage == "" {
					t.Fatalf("broken connection without error: %+v", cn)
				}
			}
		}
		conns += len(cs)
	}
	if conns == 0 {
		t.Fatalf("apps %d, connections %d", apps, conns)
	}
	for _, r := range pp.Requests() {
		if r.Audience != "https://service.powerapps.com/" {
			t.Fatalf("%s with audience %q", r.Route, r.Audience)
		}
	}
	if _, err := c.Apps(ctx, "x'or'1"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Fatalf("bad env: %v", err)
	}
}

func TestWrongAudience(t *testing.T) {
	c, _ := setup(t, 0, true)
	u := demo.Users()[0]
	ctx := flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID})
	if _, err := c.Connections(ctx, "Default-"+u.TenantID); !errors.Is(err, flowdeck.ErrMisconfigured) {
		t.Fatalf("err = %v", err)
	}
}
