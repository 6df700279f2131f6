package systemtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// Approvals as Power Automate shows them (issue 19, point 3): details in
// safe markdown, "everyone must approve" approvals already answered, custom
// responses, sent approvals with each approver's answer so far.

func TestBrowserApprovalViews(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	users := demo.UsersOf(demo.TenantID)
	me, other, third := users[0], users[1], users[2]
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	env := tenant.Environments[0].Name
	add := func(a powerplatform.Approval) string {
		t.Helper()
		a.Environment = env
		id, err := f.pp.AddApproval(a)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	hostile := add(powerplatform.Approval{Title: `<img src=x onerror="alert(1)"> Pay **invoice** 42`, OwnerID: other.ID, Approvers: []string{me.ID},
		Details: "**Amount**: 1,200 EUR\n- item *one*\n- [invoice](javascript:alert(1))\n\n<script>alert(2)</script> ![x](https://evil.example/p.png)"})
	answered := add(powerplatform.Approval{Title: "Everyone signs the budget", Type: powerplatform.ApprovalBasicAwaitAll, OwnerID: other.ID,
		Approvers: []string{me.ID, third.ID}, Responses: []*powerplatform.ApprovalResponse{{Name: "r1", UserID: me.ID, Response: "Approve", Created: time.Now()}}})
	custom := add(powerplatform.Approval{Title: "Ship the order?", Type: powerplatform.ApprovalCustom, OwnerID: other.ID,
		Approvers: []string{me.ID}, Options: []string{"Ship now", "Hold", "Escalate"}})
	sent := add(powerplatform.Approval{Title: "Sign off the release", Type: powerplatform.ApprovalBasicAwaitAll, OwnerID: me.ID,
		Approvers: []string{other.ID, third.ID}, Responses: []*powerplatform.ApprovalResponse{{Name: "r2", UserID: other.ID, Response: "Approve", Comments: "fine", Created: time.Now()}}})
	card := func(id string) string { return fmt.Sprintf(`d.querySelector('[data-approval=%q]')`, id) }
	received := waitTab(fmt.Sprintf(`return !!%s && !!%s && !d.querySelector('[data-approval] .fui-Spinner');`, card(hostile), card(answered)))
	f.run(t, "open received approvals", f.open(""), dashboardLoaded,
		evalTab(`w.location.hash = "#/approvals"; return true;`, nil), received)

	t.Run("markdown", func(t *testing.T) {
		var got struct {
			Strong, Em, Items, Anchors, Scripts, Images int
			Text                                        string
		}
		f.run(t, "read the details", evalTab(fmt.Sprintf(`const c = %s, m = c.querySelector('[data-markdown]');
			return {Strong: m.querySelectorAll('strong').length, Em: m.querySelectorAll('em').length, Items: m.querySelectorAll('li').length,
				Anchors: c.querySelectorAll('a[href^="javascript"]').length, Scripts: c.querySelectorAll('script').length,
				Images: c.querySelectorAll('img').length, Text: c.textContent};`, card(hostile)), &got))
		if got.Strong != 1 || got.Em != 1 || got.Items != 2 {
			t.Errorf("markdown not rendered: %d bold, %d italic, %d list items", got.Strong, got.Em, got.Items)
		}
		if got.Anchors != 0 || got.Scripts != 0 || got.Images != 0 {
			t.Errorf("hostile details became elements: %d javascript links, %d scripts, %d images", got.Anchors, got.Scripts, got.Images)
		}
		for _, want := range []string{"invoice (javascript:alert(1))", "<script>alert(2)</script>", `<img src=x onerror="alert(1)"> Pay **invoice** 42`} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("the card does not show %q as text: %q", want, got.Text)
			}
		}
	})

	t.Run("await-all answered", func(t *testing.T) {
		var said string
		var controls int
		f.run(t, "read the answered approval",
			waitTab(fmt.Sprintf(`return !!%s.querySelector('[data-answered]');`, card(answered))),
			evalTab(fmt.Sprintf(`return %s.querySelector('[data-answered]').textContent;`, card(answered)), &said),
			evalTab(fmt.Sprintf(`return %s.querySelectorAll('textarea, button').length;`, card(answered)), &controls))
		if !strings.HasPrefix(said, "You answered Approve") || controls != 0 {
			t.Errorf("answered await-all approval: %q with %d controls", said, controls)
		}
	})

	t.Run("custom responses", func(t *testing.T) {
		var buttons []string
		f.run(t, "read the buttons", evalTab(fmt.Sprintf(`return [...%s.querySelectorAll('button')].map(b => b.textContent.trim());`, card(custom)), &buttons))
		if strings.Join(buttons, "|") != "Ship now|Hold|Escalate" {
			t.Errorf("custom approval buttons %q", buttons)
		}
	})

	t.Run("sent answers so far", func(t *testing.T) {
		var rows []string
		f.run(t, "open sent approvals", evalTab(`w.location.hash = "#/approvals?role=sent"; return true;`, nil),
			waitTab(fmt.Sprintf(`const c = %s; return !!c && c.querySelectorAll('[data-approver-answer]').length === 2;`, card(sent))),
			evalTab(fmt.Sprintf(`return [...%s.querySelectorAll('[data-approver-answer]')].map(li => li.getAttribute("data-approver-answer") + "=" + li.textContent);`, card(sent)), &rows))
		want := []string{"Approve=" + other.Name + ": Approve — fine", "=" + third.Name + ": not answered yet"}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Errorf("sent approval answers:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("axe and themes", func(t *testing.T) {
		src := webModule(t, "axe-core/axe.min.js")
		for _, theme := range []string{"default", "dark", "contrast"} {
			for _, hash := range []string{"#/approvals", "#/approvals?role=sent"} {
				var vs []axeViolation
				f.run(t, hash+" in "+theme, f.open("?theme="+theme), dashboardLoaded,
					evalTab(fmt.Sprintf(`w.location.hash = %q; return true;`, hash), nil),
					waitTab(`return !!d.querySelector('[data-approval]') && !d.querySelector('.fui-Spinner');`),
					axe(src, &vs))
				for _, v := range vs {
					msg := fmt.Sprintf("%s %s %s (%s): %s\n\t%s", theme, hash, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Error(msg)
					} else {
						t.Log(msg)
					}
				}
			}
		}
		var wide struct{ Page, Window float64 }
		f.run(t, "360 px", emulation.SetDeviceMetricsOverride(360, 740, 1, true),
			evalTab(`w.location.hash = "#/approvals"; return true;`, nil), received,
			waitTab(`return w.innerWidth === 360;`),
			evalTab(`return {Page: d.documentElement.scrollWidth, Window: w.innerWidth};`, &wide))
		if wide.Page > wide.Window {
			var culprits []string
			f.run(t, "what is wide", evalTab(`return [...d.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className.toString().slice(0, 60) + " " + Math.round(e.getBoundingClientRect().right));`, &culprits))
			t.Errorf("at 360 px the approvals page is %v px wide: %v", wide.Page, culprits)
		}
	})
}
