package bot_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAgentsPlayground sends Playground-shaped activities (§6.3: no token,
// bare ids, a serviceUrl without a trailing slash, an invalid tenant GUID)
// to the endpoint in dev mode; DevSignIn signs the user in as the demo user.
func TestAgentsPlayground(t *testing.T) {
	w := newWorld(t, worldOptions{playground: true})
	ctx := waitCtx(t)
	const conv = "499ec568-0030-4920-b950-2e9db75ede46"
	const tenant = "00000000-0000-0000-0000-0000000000001"
	activity := func(typ string) map[string]any {
		return map[string]any{
			"type": typ, "id": "8f5558a6-5535-451b-940a-0aab4beade02", "channelId": "msteams",
			"from":         map[string]any{"id": "user-id-0", "name": "Alex Wilber", "aadObjectId": "00000000-0000-0000-0000-0000000000020"},
			"serviceUrl":   strings.TrimSuffix(w.conn.ServiceURL(), "/"),
			"conversation": map[string]any{"conversationType": "personal", "tenantId": tenant, "id": conv},
			"recipient":    map[string]any{"id": "00000000-0000-0000-0000-00000000000011", "name": "Test Bot"},
			"locale":       "en-US", "textFormat": "plain",
			"entities":    []any{map[string]any{"type": "clientInfo", "locale": "en-US", "platform": "Web", "timezone": "UTC"}},
			"channelData": map[string]any{"tenant": map[string]any{"id": tenant}},
		}
	}
	inst := activity("installationUpdate")
	inst["action"] = "add"
	res, err := w.drv.Send(ctx, inst)
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("install: %d %s", res.Status, res.Body)
	}
	if r := w.next(t, conv, 0); !strings.Contains(content(r), "Welcome to FlowDeck") {
		t.Fatalf("welcome: %s", content(r))
	}
	msg := activity("message")
	msg["text"] = "approvals"
	res, err = w.drv.Send(ctx, msg)
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("message: %d %s", res.Status, res.Body)
	}
	if r := w.next(t, conv, 1); strings.Count(content(r), "Open in Power Automate") != 5 {
		t.Fatalf("approvals in the Playground: %s", content(r))
	}
	// A Playground Action.Execute has no trigger. Card actions go to the
	// card-action router, whose one sign-in policy does not know the bot's
	// dev sign-in: a client that cannot show a loginRequest gets the sign-in
	// card, whose Try again repeats the action.
	inv := activity("invoke")
	inv["name"] = "adaptiveCard/action"
	inv["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "title": "More", "verb": "list.more",
		"data": map[string]any{"command": "approvals", "cursor": "2"}}}
	res, err = w.drv.Send(ctx, inv)
	must(t, err)
	_, body := cardOf(t, res)
	for _, want := range []string{"Sign in to FlowDeck", "/auth/start?s=", `"title":"Try again","verb":"list.more"`, `"cursor":"2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("More in the Playground lacks %s: %s", want, body)
		}
	}
}
