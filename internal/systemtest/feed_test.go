package systemtest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
)

// feedOf waits until the fake Graph accepted n activity-feed notifications
// of type typ for u, and returns them.
func (s *stack) feedOf(ctx context.Context, t *testing.T, u demo.User, typ string, n int) []fakegraph.FeedNotification {
	t.Helper()
	var got []fakegraph.FeedNotification
	waitUntil(ctx, t, typ+" notifications in "+u.Name+"'s feed", func() bool {
		got = got[:0]
		for _, f := range s.Cloud.Graph.Feed(u.ID) {
			if f.ActivityType == typ {
				got = append(got, f)
			}
		}
		return len(got) >= n
	})
	return got
}

// chooseDelivery saves u's choice in the tab's settings.
func (s *stack) chooseDelivery(ctx context.Context, t *testing.T, u demo.User, delivery string) {
	t.Helper()
	if a := s.tab(ctx, t, u, http.MethodPut, "/api/settings", `{"timeZone":"UTC","delivery":"`+delivery+`"}`); a.status != http.StatusOK {
		t.Fatalf("choose %s for %s: %d %.300s", delivery, u.Name, a.status, a.body)
	}
}

// wantTabDeepLink checks that a notification opens the tab at a sub-entity that begins with sub.
func wantTabDeepLink(t *testing.T, f fakegraph.FeedNotification, sub string) {
	t.Helper()
	u, err := url.Parse(f.WebURL)
	if err != nil || u.Host != "teams.microsoft.com" || !strings.HasPrefix(u.Path, "/l/entity/"+demo.ClientID+"/") ||
		!strings.Contains(u.Query().Get("context"), `"subEntityId":"`+sub) {
		t.Errorf("the notification opens %q (path %q, context %q), want the tab at %s", f.WebURL, u.Path, u.Query().Get("context"), sub)
	}
}

// TestFeedDelivery: with the application permission TeamsActivity.Send
// granted by the tenant's administrator (FlowDeck sends app-only: Teams does
// not deliver a notification whose sender is its recipient), a user who chose "feed"
// in the tab's settings gets a failed run and a new approval as Teams
// activity-feed notifications (declared activity types, the template's
// parameters, a deep link into the tab's run or approvals) and no card in
// the chat; a user who chose "both" gets the card and the notification.
func TestFeedDelivery(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	s.Cloud.Entra.GrantAppRoles(demo.TenantID, demo.ClientID, entra.GraphResource, "TeamsActivity.Send")
	feedUser, bothUser := demo.Users()[3], demo.Users()[4]
	for _, c := range []struct {
		u        demo.User
		delivery string
	}{{feedUser, "feed"}, {bothUser, "both"}} {
		s.signIn(ctx, t, c.u)
		s.chooseDelivery(ctx, t, c.u, c.delivery)
	}
	feedSub, bothSub := s.watchAll(ctx, t, feedUser), s.watchAll(ctx, t, bothUser)

	// A failed run.
	start := time.Now()
	s.failRun(t, feedUser)
	s.failRun(t, bothUser)
	f := s.feedOf(ctx, t, feedUser, appmanifest.ActivityFlowFailed, 1)[0]
	if f.Parameters["flowName"] != faultFlowName(feedUser) || f.Topic != faultFlowName(feedUser) || !strings.Contains(f.Preview, "Post_to_ledger") {
		t.Errorf("the failure notification: %+v", f)
	}
	if !strings.HasPrefix(f.WebURL, "https://teams.microsoft.com/l/entity/") {
		t.Errorf("webUrl %q", f.WebURL)
	}
	wantTabDeepLink(t, f, "run:"+faultEnv+":"+faultFlowID(feedUser)+":")
	wantAlertOnce(ctx, t, s, bothUser, bothSub.ID, start)
	s.feedOf(ctx, t, bothUser, appmanifest.ActivityFlowFailed, 1)
	waitUntil(ctx, t, "the feed user's watermark passes the failure", func() bool {
		return s.subscription(ctx, t, feedUser, feedSub.ID).Watermark.After(start)
	})
	if got := s.cards(feedUser, alertTitle); len(got) != 0 {
		t.Errorf("a user who chose the feed got %d alert cards in chat", len(got))
	}

	// A new approval.
	const title = "Standing desk for the studio"
	s.addApproval(t, feedUser, title)
	s.addApproval(t, bothUser, title)
	a := s.feedOf(ctx, t, feedUser, appmanifest.ActivityApprovalRequested, 1)[0]
	if a.Parameters["title"] != title || a.Topic != title {
		t.Errorf("the approval notification: %+v", a)
	}
	wantTabDeepLink(t, a, `approvals"`)
	s.waitCards(ctx, t, bothUser, title, 1)
	s.feedOf(ctx, t, bothUser, appmanifest.ActivityApprovalRequested, 1)
	wm := s.subscription(ctx, t, feedUser, feedSub.ID).Watermark
	waitUntil(ctx, t, "one more cycle of the feed user", func() bool {
		return s.subscription(ctx, t, feedUser, feedSub.ID).Watermark.After(wm)
	})
	if got := s.cards(feedUser, title); len(got) != 0 {
		t.Errorf("a user who chose the feed got the approval card in chat")
	}
	for _, u := range []demo.User{feedUser, bothUser} {
		if n := len(s.Cloud.Graph.Feed(u.ID)); n != 2 {
			t.Errorf("%s has %d notifications, want 2 (one failure, one approval)", u.Name, n)
		}
		for _, f := range s.Cloud.Graph.Feed(u.ID) {
			if f.SenderID != "" || f.AppID != demo.ClientID {
				t.Errorf("a notification sent by user %q, app %q; want FlowDeck, app-only", f.SenderID, f.AppID)
			}
		}
	}
}

// TestFeedRefusedFallsBackToChat: a user who chose the feed in a tenant that
// did not grant the application permission TeamsActivity.Send (only the
// delegated one, which would make each user the sender of their own
// notification) still gets the failure alert, as a card in the chat, once.
func TestFeedRefusedFallsBackToChat(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	s.Cloud.Entra.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.GraphResource, "TeamsActivity.Send")
	u := demo.Users()[3]
	s.signIn(ctx, t, u)
	s.chooseDelivery(ctx, t, u, "feed")
	sub := s.watchAll(ctx, t, u)
	wantAlertOnce(ctx, t, s, u, sub.ID, s.failRun(t, u))
	if n := len(s.Cloud.Graph.Feed(u.ID)); n != 0 {
		t.Errorf("%d notifications accepted without the permission", n)
	}
}
