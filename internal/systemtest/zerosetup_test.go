package systemtest

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
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
	s.waitCards(ctx, t, lidia, "With nothing to set up, I'll post here the approvals assigned to you", 1)
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
	if got := s.cards(megan, "With nothing to set up"); len(got) != 0 {
		t.Errorf("a user with a subscription was told of a default: %.300s", got[0].Raw)
	}
	subs, err = s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: megan.TenantID, UserID: megan.ID})
	if err != nil || len(subs) != 1 || subs[0].ID != explicit.ID || subs[0].Auto {
		t.Errorf("subscriptions of a user who had chosen = %+v, %v; want only their own", subs, err)
	}
}

// TestZeroSetupChoicesOnce: the buttons of the card that announces the
// default subscription work through the real bot endpoint, each exactly
// once: "Approvals only" pressed twice at once turns the default into an
// approvals-only subscription one time (one answer says it was done
// already), "Pause failure alerts" mutes it for a week, and "Send me a
// daily digest" stores the digest time picked in the card's drop-down.
func TestZeroSetupChoicesOnce(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	u := demo.Users()[3]
	if res, err := s.Driver.Install(ctx, u); err != nil || res.Status/100 != 2 {
		t.Fatalf("install: %v, status %d", err, res.Status)
	}
	s.waitCards(ctx, t, u, "Welcome to FlowDeck", 1)
	tok, err := s.SSOToken(u)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Driver.TokenExchange(ctx, u, tok); err != nil || res.Status != http.StatusOK {
		t.Fatalf("token exchange: %v, status %d", err, res.Status)
	}
	card := s.waitCards(ctx, t, u, "Pause failure alerts for a week", 1)[0]
	store := s.Main.Parts().Store
	defaults := func() []flowdeck.Subscription {
		subs, err := store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: u.TenantID, UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return subs
	}
	press := func(data map[string]any) string {
		res, err := s.Driver.CardAction(ctx, u, card.ActivityID, cards.VerbDefaultsChoose, data, true)
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("press %v: %v, status %d", data, err, res.Status)
		}
		return string(res.Body)
	}

	answers := make([]string, 2)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = press(map[string]any{"choice": cards.ChoiceApprovals, "digestTime": "08:00"}) })
	}
	wg.Wait()
	already := 0
	for _, a := range answers {
		if !strings.Contains(a, "no failure alerts") {
			t.Errorf("an Approvals only answer: %.400s", a)
		}
		if strings.Contains(a, "done already") {
			already++
		}
	}
	if already != 1 {
		t.Errorf("%d of the two answers say it was done already, want 1", already)
	}
	subs := defaults()
	if len(subs) != 1 || subs[0].Target != flowdeck.WatchApprovals || !subs[0].Auto {
		t.Fatalf("after Approvals only: %+v; want one approvals-only default", subs)
	}

	if a := press(map[string]any{"choice": cards.ChoicePause, "digestTime": "08:00"}); !strings.Contains(a, "paused until") {
		t.Errorf("the Pause answer: %.400s", a)
	}
	subs = defaults()
	if len(subs) != 1 || subs[0].Target != flowdeck.WatchMine || subs[0].MutedUntil.Before(time.Now().Add(6*24*time.Hour)) {
		t.Errorf("after Pause: %+v; want the default, muted for a week", subs)
	}

	if a := press(map[string]any{"choice": cards.ChoiceDigest, "digestTime": "17:00"}); !strings.Contains(a, "17:00") {
		t.Errorf("the digest answer: %.400s", a)
	}
	if st, err := store.GetSettings(ctx, u.TenantID, u.ID); err != nil || st.DigestTime != "17:00" {
		t.Errorf("settings after the digest button = %+v, %v; want the digest at 17:00", st, err)
	}
	// A forged choice changes nothing and says what to do.
	if a := press(map[string]any{"choice": "everything"}); !strings.Contains(a, "reload the card") {
		t.Errorf("a forged choice: %.400s", a)
	}
	if got := defaults(); len(got) != 1 || got[0].Target != flowdeck.WatchMine {
		t.Errorf("after a forged choice: %+v", got)
	}
}
