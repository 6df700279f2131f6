package powerautomate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// pendingFor finds a user with a pending approval to answer.
func pendingFor(t *testing.T, fx *fixture) (context.Context, flowdeck.Approval) {
	t.Helper()
	envs, err := fx.client.Environments(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range demo.UsersOf(demo.TenantID) {
		for _, e := range envs {
			list, err := fx.client.Approvals(as(u), e.ID, flowdeck.RoleApprover, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range list {
				if a.Status == flowdeck.ApprovalPending && len(a.Approvers) > 0 {
					return as(u), a
				}
			}
		}
	}
	t.Fatal("no pending approval")
	return nil, flowdeck.Approval{}
}

func TestApprovals(t *testing.T) {
	fx := newFixture(t, fixtureOpts{pageSize: 2})
	ctx, a := pendingFor(t, fx)
	if a.Title == "" || a.Requester.Name == "" || len(a.Options) == 0 || a.Role != flowdeck.RoleApprover {
		t.Fatalf("approval = %+v", a)
	}
	full, err := fx.client.Approval(ctx, a.EnvironmentID, a.ID)
	if err != nil || full.ID != a.ID || full.Role != flowdeck.RoleApprover {
		t.Fatalf("Approval = %+v, %v", full, err)
	}
	if err := fx.client.Respond(ctx, a.EnvironmentID, a.ID, "Maybe later", ""); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Fatalf("bad option: %v", err)
	}
	if err := fx.client.Respond(ctx, a.EnvironmentID, a.ID, a.Options[0], strings.Repeat("é", 1001)); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Fatalf("long comment: %v", err)
	}
	before := fx.pp.Calls(powerplatform.RouteApprovalsRespond)
	if err := fx.client.Respond(ctx, a.EnvironmentID, a.ID, strings.ToLower(a.Options[0]), "Looks good"); err != nil {
		t.Fatal(err)
	}
	if fx.pp.Calls(powerplatform.RouteApprovalsRespond) != before+1 {
		t.Fatal("respond not sent exactly once")
	}
	after, err := fx.client.Approval(ctx, a.EnvironmentID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var mine *flowdeck.ApprovalResponse
	p, _ := flowdeck.PrincipalFrom(ctx)
	for i, r := range after.Responses {
		if r.Responder.ID == p.UserID {
			mine = &after.Responses[i]
		}
	}
	if mine == nil || mine.Response != a.Options[0] || mine.Comments != "Looks good" {
		t.Fatalf("responses = %+v", after.Responses)
	}
	if err := fx.client.Respond(ctx, a.EnvironmentID, a.ID, a.Options[0], ""); !errors.Is(err, flowdeck.ErrConflict) {
		t.Fatalf("second response: %v", err)
	}
	// Sent approvals of the requester.
	sent, err := fx.client.Approvals(as(userByID(after.Requester.ID)), a.EnvironmentID, flowdeck.RoleOwner, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sent {
		if s.Role != flowdeck.RoleOwner {
			t.Fatalf("role %q", s.Role)
		}
	}
}

func TestRespondUnclearOutcomeReReads(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	ctx, a := pendingFor(t, fx)
	// 500 on respond: not repeated; the responses are re-read, none is ours.
	fx.pp.SetFault(powerplatform.RouteApprovalsRespond, powerplatform.Fault{Status: 500, Times: 1})
	err := fx.client.Respond(ctx, a.EnvironmentID, a.ID, a.Options[0], "")
	if !errors.Is(err, flowdeck.ErrUnavailable) || !strings.Contains(flowdeck.Message(err), "not recorded") {
		t.Fatalf("err = %v", err)
	}
	// Re-read and found not done: callers may let the user try again.
	if !errors.Is(err, flowdeck.ErrNotDone) {
		t.Errorf("err = %v, want it marked flowdeck.ErrNotDone", err)
	}
	if n := fx.pp.Calls(powerplatform.RouteApprovalsRespond); n != 1 {
		t.Fatalf("respond sent %d times", n)
	}
	// The response was recorded elsewhere meanwhile (another device): the
	// unclear answer is settled as done.
	p, _ := flowdeck.PrincipalFrom(ctx)
	if err := fx.pp.RespondElsewhere(a.ID, p.UserID, a.Options[0], "from my phone"); err != nil {
		t.Fatal(err)
	}
	full, err := fx.client.Approval(ctx, a.EnvironmentID, a.ID)
	if err != nil || len(full.Responses) == 0 {
		t.Fatalf("Approval = %+v, %v", full, err)
	}
}

func userByID(id string) demo.User {
	for _, u := range demo.Users() {
		if strings.EqualFold(u.ID, id) {
			return u
		}
	}
	return demo.User{}
}

// TestCustomApprovalOptions: custom options come from the approver's request
// in the views (approvals/{id} has none); unknown options are never guessed.
func TestCustomApprovalOptions(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	me, owner := demo.Users()[0], demo.Users()[5]
	env := "Default-" + me.TenantID
	add := func(title string, options []string) string {
		id, err := fx.pp.AddApproval(powerplatform.Approval{Environment: env, Title: title, Type: powerplatform.ApprovalCustom,
			Options: options, OwnerID: owner.ID, Approvers: []string{me.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	vendor := add("Pick a vendor", []string{"Contoso", "Fabrikam", "Need info"})
	unknown := add("Sign the lease", nil)

	list, err := fx.client.Approvals(fx.ctx, env, flowdeck.RoleApprover, true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, a := range list {
		got[a.ID] = a.Options
	}
	if strings.Join(got[vendor], "|") != "Contoso|Fabrikam|Need info" || len(got[unknown]) != 0 {
		t.Fatalf("options in the list: vendor %v, unknown %v", got[vendor], got[unknown])
	}
	a, err := fx.client.Approval(fx.ctx, env, vendor)
	if err != nil || strings.Join(a.Options, "|") != "Contoso|Fabrikam|Need info" {
		t.Fatalf("Approval(vendor) options %v, %v", a.Options, err)
	}
	if err := fx.client.Respond(fx.ctx, env, vendor, "need info", "Which contract?"); err != nil {
		t.Fatal(err)
	}
	if ap, _ := fx.pp.Approval(vendor); len(ap.Responses) != 1 || ap.Responses[0].Response != "Need info" {
		t.Fatalf("responses %+v", ap.Responses)
	}
	u, err := fx.client.Approval(fx.ctx, env, unknown)
	if err != nil || len(u.Options) != 0 {
		t.Fatalf("Approval(unknown) = %+v, %v", u, err)
	}
	before := fx.pp.Calls(powerplatform.RouteApprovalsRespond)
	err = fx.client.Respond(fx.ctx, env, unknown, flowdeck.ResponseApprove, "")
	if !errors.Is(err, flowdeck.ErrInvalid) || !strings.Contains(flowdeck.Message(err), "answer it in Power Automate") {
		t.Fatalf("Respond with unknown options = %v (%s)", err, flowdeck.Message(err))
	}
	if fx.pp.Calls(powerplatform.RouteApprovalsRespond) != before {
		t.Fatal("a response was sent for an approval whose options are unknown")
	}
}
