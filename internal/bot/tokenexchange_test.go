package bot_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// oboGate holds the token broker's requests to the fake Entra ID while it
// is shut, and tells the test each time one arrives.
type oboGate struct {
	next    http.RoundTripper
	mu      sync.Mutex
	shut    bool
	open    chan struct{}
	arrived chan struct{}
}

func newOBOGate() *oboGate {
	return &oboGate{open: make(chan struct{}), arrived: make(chan struct{}, 64)}
}

func (g *oboGate) wrap(next http.RoundTripper) http.RoundTripper { g.next = next; return g }

func (g *oboGate) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	shut, open := g.shut, g.open
	g.mu.Unlock()
	if shut {
		g.arrived <- struct{}{}
		select {
		case <-open:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	return g.next.RoundTrip(req)
}

func (g *oboGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut = true
}

func (g *oboGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut = false
	close(g.open)
}

// exchangeAs sends signin/tokenExchange with exchange id id from u's client.
func exchangeAs(ctx context.Context, w *world, u demo.User, id, token string) (connector.Result, error) {
	a := w.drv.Activity(u, "invoke")
	a["name"] = "signin/tokenExchange"
	a["value"] = map[string]any{"id": id, "connectionName": "", "token": token}
	return w.drv.Send(ctx, a)
}

// TestTokenExchangeEveryClientGetsConsent: in the SDK's order (exchange,
// then dedupe), when consent is needed every Teams client of the user gets
// the 412 and its sign-in button, also a duplicate that arrives while the
// first exchange is under way. After consent, the same exchange id from two
// clients is exchanged once (one OBO per audience at the fake Entra ID) and
// both are answered 200, one with the body and one "signed in" message.
func TestTokenExchangeEveryClientGetsConsent(t *testing.T) {
	gate := newOBOGate()
	w := newWorld(t, worldOptions{brokerTransport: gate.wrap})
	diego := demo.Users()[3]
	ctx := waitCtx(t)
	cid := w.drv.ConversationID(diego)
	w.cloud.Entra.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	id := uuid.NewString()

	// Two clients, the second while the first one's OBO is held.
	gate.close()
	type answer struct {
		res connector.Result
		err error
	}
	first, second := make(chan answer, 1), make(chan answer, 1)
	go func() {
		res, err := exchangeAs(ctx, w, diego, id, w.sso(t, diego))
		first <- answer{res, err}
	}()
	select {
	case <-gate.arrived:
	case <-ctx.Done():
		t.Fatal("the first exchange never reached Entra ID")
	}
	go func() {
		res, err := exchangeAs(ctx, w, diego, id, w.sso(t, diego))
		second <- answer{res, err}
	}()
	if err := w.logs.Wait(ctx, "duplicate joins the token exchange under way"); err != nil {
		t.Fatal(err)
	}
	gate.release()
	for i, ch := range []chan answer{first, second} {
		a := <-ch
		must(t, a.err)
		var body struct{ ID, FailureDetail string }
		must(t, a.res.JSON(&body))
		if a.res.Status != http.StatusPreconditionFailed || body.ID != id || body.FailureDetail == "" {
			t.Errorf("client %d without consent: %d %s, want 412 with the id and a failureDetail", i+1, a.res.Status, a.res.Body)
		}
	}

	// Consent granted: the same id twice, one exchange.
	w.cloud.Entra.GrantAllDemoConsent()
	resources := []string{entra.FlowResource, entra.PowerAppsResource, entra.GraphResource}
	before := map[string]int{}
	for _, r := range resources {
		before[r] = w.cloud.Entra.OBOCount(diego.TenantID, diego.ID, r)
	}
	grants := w.cloud.Entra.GrantCount("urn:ietf:params:oauth:grant-type:jwt-bearer")
	n := len(w.conn.Records(cid))
	var bodies []string
	for i := range 2 {
		res, err := exchangeAs(ctx, w, diego, id, w.sso(t, diego))
		must(t, err)
		if res.Status != http.StatusOK {
			t.Fatalf("client %d after consent: %d %s", i+1, res.Status, res.Body)
		}
		bodies = append(bodies, strings.TrimSpace(string(res.Body)))
	}
	if !strings.Contains(bodies[0], id) || bodies[1] != "" {
		t.Errorf("answers %q, want the first with the id and the duplicate empty", bodies)
	}
	for _, r := range resources {
		if got := w.cloud.Entra.OBOCount(diego.TenantID, diego.ID, r) - before[r]; got != 1 {
			t.Errorf("%d OBO exchanges for %s after consent, want 1", got, r)
		}
	}
	if got := w.cloud.Entra.GrantCount("urn:ietf:params:oauth:grant-type:jwt-bearer") - grants; got != len(resources) {
		t.Errorf("%d OBO token requests after consent, want %d", got, len(resources))
	}
	w.bot.Wait()
	signedIn := 0
	for _, r := range w.conn.Records(cid)[n:] {
		if strings.Contains(r.Activity().Text, "You're signed in") {
			signedIn++
		}
	}
	if signedIn != 1 {
		t.Errorf("%d 'signed in' messages, want 1", signedIn)
	}
}
