package systemtest

import (
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestZeroSetupFirstSignIn: a user installs FlowDeck and signs in through
// the bot's real path (the Teams SSO token exchange invoke) and types no
// command. The sign-in makes their default subscription (FlowDeck's own,
// Auto); the monitor then posts the card of a new approval assigned to them
// and the alert of a failed run of a flow they own, each once, to their
// personal chat at the fake connector. A second user who had chosen what to
// watch before their first sign-in keeps exactly that choice.
func TestZeroSetupFirstSignIn(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	lidia := demo.Users()[2]
	if res, err := s.Driver.Install(ctx, lidia); err != nil || res.Status/100 != 2 {
		t.Fatalf("install: %v, status %d", err, res.Status)
	}
	s.waitCards(ctx, t, lidia, "Welcome to FlowDeck", 1)
	tok, err := s.SSOToken(lidia)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Driver.TokenExchange(ctx, lidia, tok); err != nil || res.Status != http.StatusOK {
		t.Fatalf("token exchange: %v, status %d", err, res.Status)
	}
	s.waitCards(ctx, t, lidia, "From now on I'll post here the approvals assigned to you", 1)
	subs, err := s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: lidia.TenantID, UserID: lidia.ID})
	if err != nil || len(subs) != 1 || subs[0].Target != flowdeck.WatchMine || !subs[0].Auto {
		t.Fatalf("subscriptions after the first sign-in = %+v, %v; want the one default (mine, auto)", subs, err)
	}

	const title = "Laptop for the new hire"
	s.addApproval(t, lidia, title)
	s.waitCards(ctx, t, lidia, title, 1)
	wantAlertOnce(ctx, t, s, lidia, subs[0].ID, s.failRun(t, lidia))
	if n := len(s.cards(lidia, title)); n != 1 {
		t.Errorf("the approval card went out %d times, want once", n)
	}

	// A user whose choice came first keeps it: no default beside it.
	megan := demo.Users()[1]
	explicit, err := s.Main.Parts().Store.CreateSubscription(ctx, flowdeck.Subscription{TenantID: megan.TenantID, UserID: megan.ID,
		Target: flowdeck.WatchEnvironment, EnvironmentID: faultEnv, Watermark: subs[0].Watermark})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Driver.Install(ctx, megan); err != nil || res.Status/100 != 2 {
		t.Fatalf("install: %v, status %d", err, res.Status)
	}
	s.waitCards(ctx, t, megan, "Welcome to FlowDeck", 1)
	tok, err = s.SSOToken(megan)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Driver.TokenExchange(ctx, megan, tok); err != nil || res.Status != http.StatusOK {
		t.Fatalf("token exchange: %v, status %d", err, res.Status)
	}
	s.waitCards(ctx, t, megan, "You're signed in", 1)
	if got := s.cards(megan, "From now on"); len(got) != 0 {
		t.Errorf("a user with a subscription was told of a default: %.300s", got[0].Raw)
	}
	subs, err = s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: megan.TenantID, UserID: megan.ID})
	if err != nil || len(subs) != 1 || subs[0].ID != explicit.ID || subs[0].Auto {
		t.Errorf("subscriptions of a user who had chosen = %+v, %v; want only their own", subs, err)
	}
}
