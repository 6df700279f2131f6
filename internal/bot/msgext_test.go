package bot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// meBody is a decoded message-extension answer.
type meBody struct {
	ComposeExtension struct {
		Type             string `json:"type"`
		AttachmentLayout string `json:"attachmentLayout"`
		Text             string `json:"text"`
		Attachments      []struct {
			ContentType string          `json:"contentType"`
			Content     json.RawMessage `json:"content"`
			Preview     *struct {
				ContentType string `json:"contentType"`
				Content     struct {
					Title    string `json:"title"`
					Subtitle string `json:"subtitle"`
					Tap      *struct {
						Type  string         `json:"type"`
						Value map[string]any `json:"value"`
					} `json:"tap"`
				} `json:"content"`
			} `json:"preview"`
		} `json:"attachments"`
		SuggestedActions *struct {
			Actions []struct {
				Type, Value, Title string
			} `json:"actions"`
		} `json:"suggestedActions"`
	} `json:"composeExtension"`
}

func meOf(t *testing.T) func(connector.Result, error) meBody {
	return func(res connector.Result, err error) meBody { t.Helper(); return decodeME(t, res, err) }
}

func decodeME(t *testing.T, res connector.Result, err error) meBody {
	t.Helper()
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("status %d %s", res.Status, res.Body)
	}
	var b meBody
	if err := json.Unmarshal(res.Body, &b); err != nil {
		t.Fatalf("answer %s: %v", res.Body, err)
	}
	return b
}

// meDriver is a Teams client whose manifest declares the public portal
// hosts as link domains; withSSO makes it answer silentAuth with the
// user's SSO token, as Teams does.
func (w *world) meDriver(t *testing.T, withSSO bool) *connector.Driver {
	t.Helper()
	o := connector.DriverOptions{Server: w.conn, BotURL: w.botURL, LinkDomains: []string{"make.powerautomate.com", "flow.microsoft.com"}}
	if withSSO {
		o.SSOToken = func(u demo.User) (string, error) { return w.sso(t, u), nil }
	}
	d, err := connector.NewDriver(o)
	must(t, err)
	return d
}

// TestMessageExtensionSearchSelect: from a group chat's compose box a user
// who never signed in is signed in silently (silentAuth, then the query
// again with Teams' SSO token), searches flows, failed runs and pending
// approvals across environments, and inserts each one's live card.
func TestMessageExtensionSearchSelect(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	chat := connector.GroupChat("invoice team")
	ctx := waitCtx(t)

	// Without SSO (a client that cannot get a token), the answer is the sign-in prompt.
	b := meOf(t)(w.meDriver(t, false).ComposeQuery(ctx, adele, chat, bot.CommandSearchFlows, "invoice", 0, 10))
	if b.ComposeExtension.Type != "silentAuth" || b.ComposeExtension.SuggestedActions == nil ||
		len(b.ComposeExtension.SuggestedActions.Actions) != 1 || !strings.Contains(b.ComposeExtension.SuggestedActions.Actions[0].Value, "/auth/start?s=") {
		t.Fatalf("not signed in: %+v", b.ComposeExtension)
	}

	drv := w.meDriver(t, true)
	tests := []struct {
		command, text, kind, verb string
	}{
		{bot.CommandSearchFlows, "invoice", flowdeck.LinkFlow, cards.VerbFlowRefresh},
		{bot.CommandSearchFailed, "invoice", flowdeck.LinkRun, cards.VerbRunRefresh},
		{bot.CommandSearchApprovals, "", flowdeck.LinkApproval, cards.VerbApprovalRefresh},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			b := meOf(t)(drv.ComposeQuery(ctx, adele, chat, tt.command, tt.text, 0, 10))
			ce := b.ComposeExtension
			if ce.Type != "result" || ce.AttachmentLayout != "list" || len(ce.Attachments) == 0 || len(ce.Attachments) > 10 {
				t.Fatalf("search answered %+v", ce)
			}
			for _, a := range ce.Attachments {
				if a.Preview == nil || a.Preview.Content.Tap == nil || a.Preview.Content.Tap.Type != "invoke" {
					t.Fatalf("result without an invoke tap: %+v", a)
				}
				if tt.text != "" && !strings.Contains(strings.ToLower(a.Preview.Content.Title), tt.text) {
					t.Errorf("%q matched %q", tt.text, a.Preview.Content.Title)
				}
				if a.Preview.Content.Tap.Value["kind"] != tt.kind {
					t.Errorf("tap %v, want kind %s", a.Preview.Content.Tap.Value, tt.kind)
				}
			}
			sel := meOf(t)(drv.SelectItem(ctx, adele, chat, ce.Attachments[0].Preview.Content.Tap.Value)).ComposeExtension
			if sel.Type != "result" || len(sel.Attachments) != 1 || sel.Attachments[0].ContentType != botframework.ContentTypeAdaptiveCard {
				t.Fatalf("select answered %+v", sel)
			}
			card := string(sel.Attachments[0].Content)
			if !strings.Contains(card, `"refresh"`) || !strings.Contains(card, `"verb":"`+tt.verb+`"`) || strings.Contains(card, `"userIds"`) {
				t.Errorf("inserted card does not refresh for every viewer with %s: %s", tt.verb, card)
			}
		})
	}
	t.Run("forged selection", func(t *testing.T) {
		upstream := len(w.cloud.PP.Requests())
		for _, v := range []map[string]any{
			{"kind": "flow", "environmentId": "../x", "flowId": "1"},
			{"kind": "run", "environmentId": "Default-" + demo.TenantID, "flowId": "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"},
			{"kind": "flow", "environmentId": "Default-" + demo.TenantID, "flowId": "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f", "extra": true},
		} {
			if b := meOf(t)(drv.SelectItem(ctx, adele, chat, v)); b.ComposeExtension.Type != "message" {
				t.Errorf("selection %v answered %+v", v, b.ComposeExtension)
			}
		}
		if n := len(w.cloud.PP.Requests()) - upstream; n != 0 {
			t.Errorf("%d upstream requests for forged selections", n)
		}
	})
}

// TestMessageExtensionUnfurl: a portal link pasted into any chat unfurls
// into the live card for someone signed in, a sign-in prompt for someone
// not signed in, and a neutral preview naming nothing of the target for a
// link to something the user cannot open: another user's flow, or another
// tenant's. Teams sends nothing for a domain the manifest does not declare.
func TestMessageExtensionUnfurl(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele, megan := cloudtest.Adele(), demo.Users()[1]
	ctx := waitCtx(t)
	d, err := w.ops.Dashboard(as(adele), "7d")
	must(t, err)
	if len(d.Failing) == 0 {
		t.Fatal("the demo tenant has no failures")
	}
	ff := d.Failing[0]
	runURL := publicPortal.RunURL(ff.Latest.EnvironmentID, ff.Latest.FlowID, ff.Latest.ID)
	chat := connector.ChannelChat("finance")

	t.Run("signed in", func(t *testing.T) {
		b := meOf(t)(w.meDriver(t, true).QueryLink(ctx, adele, chat, runURL))
		ce := b.ComposeExtension
		if ce.Type != "result" || len(ce.Attachments) != 1 || ce.Attachments[0].Preview == nil {
			t.Fatalf("unfurl answered %+v", ce)
		}
		card := string(ce.Attachments[0].Content)
		if !strings.Contains(card, cards.VerbRunRefresh) || !strings.Contains(card, cards.VerbAlertResubmit) ||
			ce.Attachments[0].Preview.Content.Title != cards.Trim(cards.OneLine(ff.Flow.DisplayName), 80) {
			t.Errorf("unfurled card %s, preview %+v", card, ce.Attachments[0].Preview.Content)
		}
	})
	t.Run("not signed in", func(t *testing.T) {
		b := meOf(t)(w.meDriver(t, false).QueryLink(ctx, megan, chat, runURL))
		if b.ComposeExtension.Type != "silentAuth" || b.ComposeExtension.SuggestedActions == nil {
			t.Fatalf("not signed in: %+v", b.ComposeExtension)
		}
	})
	neutral := func(t *testing.T, u demo.User, link string, names ...string) {
		t.Helper()
		b := meOf(t)(w.meDriver(t, true).QueryLink(ctx, u, chat, link))
		ce := b.ComposeExtension
		if ce.Type != "result" || len(ce.Attachments) != 1 {
			t.Fatalf("unfurl answered %+v", ce)
		}
		all, _ := json.Marshal(ce)
		if !strings.Contains(string(all), "can't open this") {
			t.Errorf("not the neutral card: %s", all)
		}
		for _, n := range names {
			if strings.Contains(string(all), n) {
				t.Errorf("the neutral preview leaks %q: %s", n, all)
			}
		}
	}
	t.Run("no access", func(t *testing.T) {
		neutral(t, megan, runURL, ff.Flow.DisplayName, ff.Latest.ID)
	})
	t.Run("another tenant", func(t *testing.T) {
		other := publicPortal.FlowURL("Default-"+demo.OtherTenantID, "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f")
		neutral(t, adele, other)
	})
	t.Run("not a portal page", func(t *testing.T) {
		neutral(t, adele, "https://make.powerautomate.com/environments/Default-"+demo.TenantID+"/connections")
	})
	t.Run("undeclared domain", func(t *testing.T) {
		upstream := len(w.cloud.PP.Requests())
		if _, err := w.meDriver(t, true).QueryLink(ctx, adele, chat, "https://example.com/environments/x/flows/y"); err == nil {
			t.Fatal("the fake Teams client unfurled a link outside the manifest's domains")
		}
		if n := len(w.cloud.PP.Requests()) - upstream; n != 0 {
			t.Errorf("%d upstream requests", n)
		}
	})
}

// TestSharedCardActsOnce: Resubmit on a run card inserted into a group
// chat, pressed by two clients at once and again, resubmits once upstream;
// each viewer's refresh reads the run as themselves.
func TestSharedCardActsOnce(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele, megan := cloudtest.Adele(), demo.Users()[1]
	w.signIn(t, adele)
	chat := connector.GroupChat("ops")
	d, err := w.ops.Dashboard(as(adele), "7d")
	must(t, err)
	run := d.Failing[0].Latest
	data := map[string]any{"environmentId": run.EnvironmentID, "flowId": run.FlowID, "runId": run.ID, "confirm": true}
	press := func(u demo.User, verb string, data map[string]any) connector.Result {
		a := w.drv.Activity(u, "invoke")
		a["name"], a["replyToId"] = botframework.InvokeAdaptiveCardAction, "1733390000000"
		a["conversation"] = map[string]any{"conversationType": chat.Type, "tenantId": u.TenantID, "id": chat.ID, "isGroup": true}
		a["value"] = map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}}
		res, err := w.drv.Send(waitCtx(t), a)
		must(t, err)
		return res
	}
	before := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { press(adele, cards.VerbAlertResubmit, data) })
	}
	wg.Wait()
	press(adele, cards.VerbAlertResubmit, data)
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; n != 1 {
		t.Fatalf("%d resubmits upstream for three presses on one shared card, want 1", n)
	}
	refresh := map[string]any{"environmentId": run.EnvironmentID, "flowId": run.FlowID, "runId": run.ID}
	if _, text := cardOf(t, press(adele, cards.VerbRunRefresh, refresh)); !strings.Contains(text, "Resubmit") {
		t.Errorf("Adele's refresh: %s", text)
	}
	// Megan has not signed in: her refresh asks her to, and shows nothing of the run.
	res := press(megan, cards.VerbRunRefresh, refresh)
	if strings.Contains(string(res.Body), d.Failing[0].Flow.DisplayName) || !strings.Contains(string(res.Body), "loginRequest") {
		t.Errorf("Megan's refresh before signing in: %s", res.Body)
	}

	// Turn off, pressed twice on a shared flow card: once upstream.
	stops := w.cloud.PP.Calls(powerplatform.RouteFlowsStop)
	off := map[string]any{"environmentId": run.EnvironmentID, "flowId": run.FlowID, "on": false}
	for range 2 {
		if _, text := cardOf(t, press(adele, cards.VerbFlowState, off)); !strings.Contains(text, "Turn on") {
			t.Errorf("after Turn off the card offers: %s", text)
		}
	}
	if n := w.cloud.PP.Calls(powerplatform.RouteFlowsStop) - stops; n != 1 {
		t.Errorf("%d stops upstream for two presses, want 1", n)
	}

	// An approval card inserted from the compose box: Approve pressed from
	// two clients at once answers once, against the approval's live options.
	ap, err := w.ops.PendingApprovals(as(adele))
	must(t, err)
	if len(ap.Approvals) == 0 {
		t.Fatal("no pending approval")
	}
	a := ap.Approvals[0]
	respond := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID, "response": a.Options[0], "shared": true}
	responds := w.cloud.PP.Calls(powerplatform.RouteApprovalsRespond)
	for range 2 {
		wg.Go(func() { press(adele, cards.VerbApprovalRespond, respond) })
	}
	wg.Wait()
	if n := w.cloud.PP.Calls(powerplatform.RouteApprovalsRespond) - responds; n != 1 {
		t.Errorf("%d responses upstream for two presses on a shared approval card, want 1", n)
	}
	bad := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID, "response": "Not an option", "shared": true}
	if _, text := cardOf(t, press(adele, cards.VerbApprovalRespond, bad)); !strings.Contains(text, "not one of this approval's options") {
		t.Errorf("a forged option: %s", text)
	}
}
