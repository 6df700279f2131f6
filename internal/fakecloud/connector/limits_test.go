package connector_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func activitiesPath(cid string) string {
	return "/teams/v3/conversations/" + url.PathEscape(cid) + "/activities"
}

// TestConnectorTenantLimit: 50 requests per second per bot per tenant,
// across conversations; another tenant, and the next second, are not held up.
func TestConnectorTenantLimit(t *testing.T) {
	w := newWorld(t)
	for i := range 51 {
		w.bf.AddConversation(fmt.Sprintf("a:1t%02d", i), demo.TenantID)
	}
	w.bf.AddConversation("a:1fabrikam", demo.OtherTenantID)
	for i := range 50 {
		if status, _, _ := w.do(t, http.MethodPost, activitiesPath(fmt.Sprintf("a:1t%02d", i)), `{"type":"message"}`); status != http.StatusCreated {
			t.Fatalf("send %d of the tenant = %d", i, status)
		}
	}
	status, h, body := w.do(t, http.MethodPost, activitiesPath("a:1t50"), `{"type":"message"}`)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "2" {
		t.Fatalf("51st request of the tenant in 1 s = %d, Retry-After %q, %s", status, h.Get("Retry-After"), body)
	}
	v := w.bf.Violations()
	if len(v) != 1 || v[0].Limit.Scope != connector.ScopeBotTenant || v[0].TenantID != demo.TenantID || v[0].ConversationID != "" {
		t.Fatalf("violations = %+v", v)
	}
	if status, _, _ := w.do(t, http.MethodPost, activitiesPath("a:1fabrikam"), `{"type":"message"}`); status != http.StatusCreated {
		t.Fatalf("another tenant = %d", status)
	}
	w.clock.Advance(2 * time.Second)
	if status, _, _ := w.do(t, http.MethodPost, activitiesPath("a:1t50"), `{"type":"message"}`); status != http.StatusCreated {
		t.Fatalf("after Retry-After = %d", status)
	}
}

// TestConnectorChannelThreadsShareTheLimit: replies in the threads of one
// channel count in that channel; the members roster has its own, looser limit.
func TestConnectorChannelThreadsShareTheLimit(t *testing.T) {
	w := newWorld(t)
	channel := connector.ChannelConversationID("General")
	for i := range 7 {
		cid := fmt.Sprintf("%s;messageid=%d", channel, 1732553375000+i)
		if status, _, _ := w.do(t, http.MethodPost, activitiesPath(cid)+fmt.Sprintf("/%d", 1732553375000+i), `{"type":"message"}`); status != http.StatusCreated {
			t.Fatalf("reply %d = %d", i, status)
		}
	}
	if status, _, _ := w.do(t, http.MethodPost, activitiesPath(channel+";messageid=1732553375999"), `{"type":"message"}`); status != http.StatusTooManyRequests {
		t.Fatalf("8th message in the channel in 1 s = %d", status)
	}
	if v := w.bf.Violations(); len(v) != 1 || v[0].ConversationID != channel {
		t.Fatalf("violations = %+v", v)
	}
	members := "/teams/v3/conversations/" + url.PathEscape(channel) + "/members"
	for i := range 14 {
		if status, _, _ := w.do(t, http.MethodGet, members, ""); status != http.StatusOK {
			t.Fatalf("members %d = %d", i, status)
		}
	}
	if status, _, _ := w.do(t, http.MethodGet, members, ""); status != http.StatusTooManyRequests {
		t.Fatalf("15th members request in 1 s = %d", status)
	}
}
