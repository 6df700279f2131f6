package powerautomate_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// connectorFailure is a tenant in which one of the user's started flows has
// a connector action, and the name of that flow, its environment and action.
func connectorFailure(t *testing.T) (tenant *powerplatform.Tenant, env, flow, action string) {
	t.Helper()
	tenant = powerplatform.Generate(powerplatform.Spec{Environments: 1, FlowsPerEnvironment: 20, RunsPerFlow: 5, Seed: 11, Now: time.Now()})
	me := demo.Users()[0]
	for _, f := range tenant.Flows {
		if f.OwnerID != me.ID || f.State != powerplatform.StateStarted || f.Solution {
			continue
		}
		for _, a := range f.Actions {
			if a.Connector != "" {
				return tenant, f.Environment, f.Name, a.Name
			}
		}
	}
	t.Fatal("no started flow of the user with a connector action")
	return nil, "", "", ""
}

// failAt adds a run of flow that failed at the connector action, with the
// connector's own error in the action's outputs only.
func failAt(t *testing.T, fx *fixture, env, flow, action string) string {
	t.Helper()
	id, err := fx.pp.AddRun(env, flow, powerplatform.RunSpec{Failure: &powerplatform.Failure{
		Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.",
		Action: action, ActionCode: "NotFound", ActionMessage: "List 'Invoices' not found.",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestFailedConnectorActionErrorFromOutputsLink(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	run := failAt(t, fx, env, flow, action)
	acts, err := fx.client.RunActions(fx.ctx, env, flow, run)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(acts); i++ {
		if !acts[i].StartTime.IsZero() && acts[i].StartTime.Before(acts[i-1].StartTime) {
			t.Fatalf("actions not in start-time order: %s (%s) after %s (%s)", acts[i].Name, acts[i].StartTime, acts[i-1].Name, acts[i-1].StartTime)
		}
	}
	a, ok := flowdeck.FailedAction(acts)
	if !ok || a.Name != action || a.ErrorCode != "NotFound" || a.ErrorMessage != "List 'Invoices' not found." {
		t.Fatalf("failed action = %+v, %v", a, ok)
	}
	// The outputs were read once, from the run-content host, with no token.
	n := 0
	for _, r := range fx.pp.Requests() {
		if r.Route != powerplatform.RouteContentGet {
			continue
		}
		n++
		if r.Authorization || r.Status != 200 || r.Host != fx.pp.ContentHost() {
			t.Fatalf("content read: authorization %v, status %d, host %s", r.Authorization, r.Status, r.Host)
		}
	}
	if n != 1 {
		t.Fatalf("%d content reads, want 1", n)
	}
}

func TestOutputsLinkThatCannotBeRead(t *testing.T) {
	tenant, env, flow, action := connectorFailure(t)
	tests := []struct {
		name      string
		opts      fixtureOpts
		fault     *powerplatform.Fault
		wantReads int
	}{
		// contentSize over the cap: the link is not even fetched.
		{name: "over the cap by contentSize", opts: fixtureOpts{contentMax: 16}},
		// The answer is larger than its contentSize said: the read stops at the cap.
		{name: "over the cap when read", fault: &powerplatform.Fault{ContentPad: 300 << 10}, wantReads: 1},
		// The signature is refused (expired, say).
		{name: "refused", fault: &powerplatform.Fault{Status: 401, Code: "DirectApiInvalidAuthorizationSignature", Message: "The provided authorization signature is not valid."}, wantReads: 1},
		{name: "host down", fault: &powerplatform.Fault{Status: 503}, wantReads: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.tenant = tenant
			fx := newFixture(t, tt.opts)
			run := failAt(t, fx, env, flow, action)
			if tt.fault != nil {
				fx.pp.SetFault(powerplatform.RouteContentGet, *tt.fault)
			}
			acts, err := fx.client.RunActions(fx.ctx, env, flow, run)
			if err != nil {
				t.Fatal(err)
			}
			a, ok := flowdeck.FailedAction(acts)
			if !ok || a.Name != action || a.ErrorCode != "NotFound" || a.ErrorMessage == "" ||
				a.ErrorMessage == "List 'Invoices' not found." {
				t.Fatalf("failed action = %+v, %v", a, ok)
			}
			if got := fx.pp.Calls(powerplatform.RouteContentGet); got != tt.wantReads {
				t.Fatalf("%d content reads, want %d", got, tt.wantReads)
			}
		})
	}
}
