package powerautomate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

// withAction changes the named action of flow in tenant (on a copy of the
// flow's actions, which generated flows share).
func withAction(t *testing.T, tenant *powerplatform.Tenant, flow, action string, change func(*powerplatform.Action)) {
	t.Helper()
	for _, f := range tenant.Flows {
		if f.Name != flow {
			continue
		}
		f.Actions = slices.Clone(f.Actions)
		for i := range f.Actions {
			if f.Actions[i].Name == action {
				change(&f.Actions[i])
				return
			}
		}
	}
	t.Fatalf("no action %s in flow %s", action, flow)
}

// contentReads are the requests the run-content host received.
func contentReads(fx *fixture) []powerplatform.LoggedRequest {
	var out []powerplatform.LoggedRequest
	for _, r := range fx.pp.Requests() {
		if r.Route == powerplatform.RouteContentGet {
			out = append(out, r)
		}
	}
	return out
}

func TestRunContentReadWithoutToken(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	run := failAt(t, fx, env, flow, action)
	tests := []struct {
		action, part, want string
	}{
		{action: action, part: flowdeck.ContentOutputs, want: "List 'Invoices' not found."},
		{action: action, part: flowdeck.ContentInputs, want: `"connectionName"`},
		{action: "", part: flowdeck.ContentInputs, want: `"type"`},
		{action: "", part: flowdeck.ContentOutputs, want: `"body"`},
	}
	for _, tt := range tests {
		rc, err := fx.client.RunContent(fx.ctx, env, flow, run, tt.action, tt.part)
		if err != nil {
			t.Fatalf("%q %s: %v", tt.action, tt.part, err)
		}
		if rc.Secure || rc.None || rc.Truncated || !strings.Contains(rc.Text, tt.want) || rc.Size <= 0 {
			t.Fatalf("%q %s = %+v, want text with %s", tt.action, tt.part, rc, tt.want)
		}
	}
	reads := contentReads(fx)
	if len(reads) != len(tests) {
		t.Fatalf("%d content reads, want %d", len(reads), len(tests))
	}
	for _, r := range reads {
		if r.Authorization || r.Status != 200 || r.Host != fx.pp.ContentHost() {
			t.Fatalf("content read: authorization %v, status %d, host %s", r.Authorization, r.Status, r.Host)
		}
	}
}

func TestRunContentSecureIsNeverRead(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	withAction(t, tenant, flow, action, func(a *powerplatform.Action) { a.Secure = []string{"inputs", "outputs"} })
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	run := failAt(t, fx, env, flow, action)
	for _, part := range []string{flowdeck.ContentInputs, flowdeck.ContentOutputs} {
		rc, err := fx.client.RunContent(fx.ctx, env, flow, run, action, part)
		if err != nil {
			t.Fatal(err)
		}
		if !rc.Secure || rc.Text != "" || rc.Truncated {
			t.Fatalf("secure %s = %+v", part, rc)
		}
	}
	if n := len(contentReads(fx)); n != 0 {
		t.Fatalf("%d content reads of secure content, want 0", n)
	}
}

func TestRunContentLargeIsCut(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	withAction(t, tenant, flow, action, func(a *powerplatform.Action) { a.OutputBytes = 300 << 10 })
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	run, err := fx.pp.AddRun(env, flow, powerplatform.RunSpec{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := fx.client.RunContent(fx.ctx, env, flow, run, action, flowdeck.ContentOutputs)
	if err != nil {
		t.Fatal(err)
	}
	if !rc.Truncated || rc.Size <= 300<<10 || len(rc.Text) > powerautomate.DefaultShowBytes || len(rc.Text) < powerautomate.DefaultShowBytes-4 {
		t.Fatalf("large outputs: truncated %v, size %d, %d bytes shown", rc.Truncated, rc.Size, len(rc.Text))
	}
}

func TestRunContentRefusesBadInput(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	run := failAt(t, fx, env, flow, action)
	before := len(fx.pp.Requests())
	for _, tt := range []struct{ run, action, part string }{
		{run, "a/b", flowdeck.ContentInputs},
		{run, "x?sig=1", flowdeck.ContentInputs},
		{run, strings.Repeat("a", 81), flowdeck.ContentInputs},
		{run, action, "body"},
		{"not-a-run", action, flowdeck.ContentInputs},
	} {
		if _, err := fx.client.RunContent(fx.ctx, env, flow, tt.run, tt.action, tt.part); !errors.Is(err, flowdeck.ErrInvalid) {
			t.Errorf("%q %q %q: %v, want invalid", tt.run, tt.action, tt.part, err)
		}
	}
	if n := len(fx.pp.Requests()); n != before {
		t.Fatalf("%d requests went upstream on bad input", n-before)
	}
}
