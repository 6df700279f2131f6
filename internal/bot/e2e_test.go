package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// TestEndToEnd drives the bot as Teams would: install, sign in with SSO,
// then every command against the demo tenant, checking what reaches the
// Bot Connector and what changes at the fake Power Platform.
func TestEndToEnd(t *testing.T) {
	w := newWorld(t, worldOptions{})
	adele := cloudtest.Adele()
	ctx := waitCtx(t)
	cid := w.drv.ConversationID(adele)

	// Install: the reference is stored and one welcome card sent.
	res, err := w.drv.Install(ctx, adele)
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("install: %d", res.Status)
	}
	welcome := w.next(t, cid, 0)
	if !strings.Contains(content(welcome), "Welcome to FlowDeck") || !strings.Contains(content(welcome), `"verb":"signin"`) {
		t.Fatalf("welcome card = %s", content(welcome))
	}
	ref, err := w.store.PersonalConversation(ctx, adele.TenantID, adele.ID)
	if err != nil || ref.ServiceURL != w.conn.ServiceURL() || ref.Scope != flowdeck.ScopePersonal {
		t.Fatalf("stored reference = %+v, %v", ref, err)
	}

	// A command that needs tokens, before signing in, gets the OAuth card.
	r := w.ask(t, adele, "approvals")
	if contentType(r) != cards.OAuthContentType || !strings.Contains(content(r), "/auth/start?s=") || !strings.Contains(content(r), "tokenExchangeResource") {
		t.Fatalf("before sign-in: %s %s", contentType(r), content(r))
	}
	r = w.ask(t, adele, "signin")
	if contentType(r) != cards.OAuthContentType {
		t.Fatalf("signin answered %s %s", contentType(r), content(r))
	}
	w.signIn(t, adele)

	t.Run("help", func(t *testing.T) {
		r := w.ask(t, adele, "help")
		for _, c := range bot.Commands() {
			if !strings.Contains(content(r), c.Name) {
				t.Errorf("help card lacks %q", c.Name)
			}
		}
	})
	t.Run("approvals lists 5 pending", func(t *testing.T) {
		r := w.ask(t, adele, "<p>APPROVALS&nbsp;</p>")
		if n := strings.Count(content(r), "Open in Power Automate"); n != 5 {
			t.Fatalf("%d approvals in %s", n, content(r))
		}
	})
	t.Run("envs", func(t *testing.T) {
		envs, err := w.ops.Environments(as(adele))
		must(t, err)
		r := w.ask(t, adele, "envs")
		for _, e := range envs {
			if !strings.Contains(content(r), e.ID) {
				t.Errorf("envs lacks %s", e.ID)
			}
		}
	})
	t.Run("failed names a failing flow", func(t *testing.T) {
		d, err := w.ops.Dashboard(as(adele), "24h")
		must(t, err)
		if len(d.Failing) == 0 {
			t.Fatal("the demo tenant has no failures")
		}
		r := w.ask(t, adele, "failed")
		if word := firstWord(d.Failing[0].Flow.DisplayName); !strings.Contains(content(r), word) || !strings.Contains(content(r), "Failures") {
			t.Fatalf("failed lacks %q: %s", word, content(r))
		}
		r = w.ask(t, adele, "failures 7d")
		if !strings.Contains(content(r), "Failures") {
			t.Fatalf("failures 7d: %s", content(r))
		}
	})
	t.Run("connections shows the broken one", func(t *testing.T) {
		cs, err := w.ops.Connections(as(adele))
		must(t, err)
		r := w.ask(t, adele, "connections")
		if cs.Connections[0].Status == flowdeck.ConnectionConnected || !strings.Contains(content(r), "Error") ||
			!strings.Contains(content(r), firstWord(cs.Connections[0].DisplayName)) {
			t.Fatalf("connections: %s", content(r))
		}
	})
	t.Run("apps", func(t *testing.T) {
		if r := w.ask(t, adele, "apps"); !strings.Contains(content(r), "Power Apps") {
			t.Fatalf("apps: %s", content(r))
		}
	})
	t.Run("flows name their owners and link the portal", func(t *testing.T) {
		list, err := w.ops.Flows(as(adele), ops.FlowQuery{Limit: cards.MaxListItems})
		must(t, err)
		owned := 0
		for _, f := range list.Items {
			if f.OwnerID == adele.ID {
				owned++
			}
		}
		if owned == 0 {
			t.Fatal("none of the first flows is Adele's")
		}
		if r := w.ask(t, adele, "flows"); strings.Count(content(r), "Owner: "+adele.Name) != owned {
			t.Fatalf("the flows card names %s %d times, want %d: %s", adele.Name, strings.Count(content(r), "Owner: "+adele.Name), owned, content(r))
		}
		r := w.ask(t, adele, "flows")
		if !strings.Contains(content(r), "https://make.powerautomate.com/environments/") {
			t.Errorf("the flows card does not link the public portal: %s", content(r))
		}
	})
	t.Run("flows pages with More", func(t *testing.T) {
		if r := w.ask(t, adele, "flows"); !strings.Contains(content(r), `"Flows"`) {
			t.Fatalf("flows: %s", content(r))
		}
		data := map[string]any{"command": "flows", "cursor": "5"}
		res, err := w.drv.CardAction(ctx, adele, "", cards.VerbListMore, data, true)
		must(t, err)
		if _, body := cardOf(t, res); !strings.Contains(body, "Showing ") {
			t.Fatalf("More: %s", body)
		}
	})

	list, err := w.ops.Flows(as(adele), ops.FlowQuery{State: "started", Limit: 200})
	must(t, err)
	flow := list.Items[0]

	t.Run("ambiguous name gets a pick list", func(t *testing.T) {
		word := sharedWord(list.Items)
		if word == "" {
			t.Fatal("no word shared by two flow names")
		}
		r := w.ask(t, adele, `runs "`+strings.ToUpper(word)+`"`)
		data := actionData(t, r.Activity().Attachments[0].Content, cards.VerbPick)
		res, err := w.drv.CardAction(ctx, adele, r.ActivityID, cards.VerbPick, data, true)
		must(t, err)
		if _, body := cardOf(t, res); !strings.Contains(body, "Runs of") {
			t.Fatalf("pick: %s", body)
		}
	})
	t.Run("runs and run", func(t *testing.T) {
		page, err := w.ops.Runs(as(adele), flow.EnvironmentID, flow.ID, flowdeck.RunFilter{}, "")
		must(t, err)
		r := w.ask(t, adele, "runs "+flow.ID)
		if !strings.Contains(content(r), "Runs of") {
			t.Fatalf("runs: %s", content(r))
		}
		run := page.Runs[0]
		r = w.ask(t, adele, "run "+flow.ID+" "+run.ID)
		if !strings.Contains(content(r), run.ID) {
			t.Fatalf("run: %s", content(r))
		}
	})
	t.Run("run id alone is found among recent failures", func(t *testing.T) {
		d, err := w.ops.Dashboard(as(adele), "7d")
		must(t, err)
		r := w.ask(t, adele, "run "+strings.ToLower(d.Failing[0].Latest.ID))
		if !strings.Contains(content(r), d.Failing[0].Latest.ID) {
			t.Fatalf("run <id>: %s", content(r))
		}
		r = w.ask(t, adele, "run 0000000000ZZZZ")
		if !strings.Contains(content(r), "run <flow> <run id>") {
			t.Fatalf("unknown run: %s", content(r))
		}
	})
	t.Run("resubmit confirms then starts a new run", func(t *testing.T) {
		d, err := w.ops.Dashboard(as(adele), "7d")
		must(t, err)
		ff := d.Failing[0]
		before, err := w.ops.Runs(as(adele), ff.Flow.EnvironmentID, ff.Flow.ID, flowdeck.RunFilter{Top: 50}, "")
		must(t, err)
		r := w.ask(t, adele, "resubmit "+ff.Latest.ID)
		data := actionData(t, r.Activity().Attachments[0].Content, cards.VerbBulkResubmit)
		res, err := w.drv.CardAction(ctx, adele, r.ActivityID, cards.VerbBulkResubmit, data, true)
		must(t, err)
		if _, body := cardOf(t, res); !strings.Contains(body, "1 of 1 run resubmitted") {
			t.Fatalf("resubmit: %s", body)
		}
		after, err := w.ops.Runs(as(adele), ff.Flow.EnvironmentID, ff.Flow.ID, flowdeck.RunFilter{Top: 50}, "")
		must(t, err)
		if len(after.Runs) != len(before.Runs)+1 {
			t.Fatalf("runs %d → %d, want a new run", len(before.Runs), len(after.Runs))
		}
	})
	t.Run("off confirms then stops the flow; on starts it", func(t *testing.T) {
		r := w.ask(t, adele, "off "+flow.ID)
		data := actionData(t, r.Activity().Attachments[0].Content, "flow.off")
		res, err := w.drv.CardAction(ctx, adele, r.ActivityID, "flow.off", data, true)
		must(t, err)
		if _, body := cardOf(t, res); !strings.Contains(body, "is off") {
			t.Fatalf("off: %s", body)
		}
		if state, _, err := w.cloud.PP.FlowState(flow.EnvironmentID, flow.ID); err != nil || state != "Stopped" {
			t.Fatalf("flow state at the fake = %q, %v", state, err)
		}
		if r := w.ask(t, adele, "on "+flow.ID); !strings.Contains(content(r), "is on") {
			t.Fatalf("on: %s", content(r))
		}
		if state, _, _ := w.cloud.PP.FlowState(flow.EnvironmentID, flow.ID); state != "Started" {
			t.Fatalf("flow state after on = %q", state)
		}
	})
	t.Run("missing permission names it and who grants it", func(t *testing.T) {
		a, _ := w.cloud.Registry.Get("flow")
		w.cloud.Tokens.SetScopes("flow", "Flows.Read.All", "Activity.Read.All", "Approvals.Read.All")
		defer w.cloud.Tokens.SetScopes("flow", a.Scopes...)
		r := w.ask(t, adele, "on "+flow.ID)
		if !strings.Contains(content(r), "Flows.Manage.All") || !strings.Contains(content(r), "Who can grant it") {
			t.Fatalf("forbidden: %s", content(r))
		}
	})
	t.Run("watch, unwatch, digest, quiet", func(t *testing.T) {
		for _, c := range []struct{ say, want string }{
			{"watch " + flow.ID, "I'll tell you when"},
			{"watch all", "any of your flows"},
			{"unwatch", "You watch:"},
			{"unwatch", "your approvals and the flows you own (the default)"}, // made at the sign-in
			{"unwatch " + flow.ID, "Stopped watching"},
			{"unwatch all", "Stopped watching 2 targets"}, // all flows and the default
			{"digest 8:30", "08:30 (Europe/Berlin)"},
			{"digest off", "No more daily digest"},
			{"quiet 22:00-07:00", "No alerts from 22:00 to 07:00"},
			{"quiet off", "any time"},
			{"digest 25:99", "HH:MM"},
		} {
			if r := w.ask(t, adele, c.say); !strings.Contains(content(r), c.want) {
				t.Errorf("%q answered %s, want %q", c.say, content(r), c.want)
			}
		}
	})
	t.Run("unknown command suggests the closest", func(t *testing.T) {
		if r := w.ask(t, adele, "aprovals"); !strings.Contains(content(r), "Did you mean **approvals**") {
			t.Fatalf("unknown: %s", content(r))
		}
	})
	t.Run("signout", func(t *testing.T) {
		if r := w.ask(t, adele, "signout"); !strings.Contains(content(r), "signed out") {
			t.Fatalf("signout: %s", content(r))
		}
		if r := w.ask(t, adele, "envs"); contentType(r) != cards.OAuthContentType {
			t.Fatalf("after signout: %s", content(r))
		}
	})
	w.bot.Wait()
	if tok := w.sso(t, adele); strings.Contains(w.logs.String(), tok[:40]) {
		t.Error("an SSO token appears in the logs")
	}
	_ = connector.OpSend
}

func firstWord(s string) string {
	for _, f := range strings.Fields(s) {
		if len(f) >= 3 {
			return f
		}
	}
	return s
}

// sharedWord is a word of at least 4 letters in two or more flow names.
func sharedWord(rows []ops.FlowRow) string {
	count := map[string]int{}
	var order []string
	for _, f := range rows {
		seen := map[string]bool{}
		for _, word := range strings.Fields(strings.ToLower(f.DisplayName)) {
			if len(word) >= 4 && !seen[word] && strings.Trim(word, "abcdefghijklmnopqrstuvwxyz") == "" {
				seen[word] = true
				if count[word] == 0 {
					order = append(order, word)
				}
				count[word]++
			}
		}
	}
	for _, word := range order {
		if count[word] >= 2 {
			return word
		}
	}
	return ""
}
