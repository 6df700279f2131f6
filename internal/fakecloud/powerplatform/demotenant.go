package powerplatform

import (
	"slices"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// DemoSeed is the seed of the demo tenant.
const DemoSeed = 20260225

// DemoDLPPolicy is the data loss prevention policy that blocks one of the
// demo user's flows.
const DemoDLPPolicy = "Contoso business data only"

// Demo returns the tenant of `flowdeck dev`: Contoso with three environments
// (Default, Production, Dev/Sandbox), 39 flows of which demo.Users()[0] owns
// about a third and others shared a few with her (the tab's "Shared with me"), failures in the last 24 hours, exactly 5 pending approvals
// assigned to demo.Users()[0] in the default environment, exactly one broken connection (hers, in the
// default environment), exactly one of her flows under a data loss prevention
// policy (on, but once turned off it cannot be turned on again); and Fabrikam (demo.OtherTenantID) with a few flows of
// its own, for isolation tests.
func Demo(now time.Time) *Tenant {
	contoso := demo.UsersOf(demo.TenantID)
	me := contoso[0]
	t := Generate(Spec{Environments: 3, FlowsPerEnvironment: 13, RunsPerFlow: 30, Approvals: 14, Seed: DemoSeed, Now: now, Users: contoso})

	// Adele owns every third flow; a few recent failures are hers for sure.
	recent := 0
	for i, f := range t.Flows {
		if i%3 == 0 {
			f.OwnerID = me.ID
			f.SharedWith = slices.DeleteFunc(f.SharedWith, func(id string) bool { return id == me.ID })
		}
	}
	for _, f := range t.Flows {
		if f.OwnerID != me.ID || f.State != StateStarted || recent >= 3 {
			continue
		}
		if n := len(f.Runs); n > 0 && f.Runs[n-1].Status != RunRunning {
			r := f.Runs[n-1]
			if r.Status != RunFailed {
				fl := f.Failure
				r.Status, r.Failure = RunFailed, &fl
			}
			recent++
		}
	}

	// One of Adele's flows came under a DLP policy after it was turned on:
	// once off, turning it on again is refused.
	for i := len(t.Flows) - 1; i >= 0; i-- {
		if f := t.Flows[i]; f.OwnerID == me.ID && f.State == StateStarted && f.Environment == t.Environments[0].Name {
			f.DLPPolicy = DemoDLPPolicy
			break
		}
	}

	// Exactly five pending approvals for Adele, all in the default environment.
	pending := 0
	for _, a := range t.Approvals {
		mine := slices.Contains(a.Approvers, me.ID)
		answered := slices.ContainsFunc(a.Responses, func(r *ApprovalResponse) bool { return r.UserID == me.ID })
		switch {
		case pending < 5 && a.Status == ApprovalPending && !answered && a.OwnerID != me.ID && a.Environment == t.Environments[0].Name:
			if !mine {
				a.Approvers = append([]string{me.ID}, a.Approvers...)
				a.Approvers = slices.DeleteFunc(a.Approvers, func(id string) bool { return id == a.OwnerID })
			}
			pending++
		case a.Status == ApprovalPending && mine:
			a.Approvers = slices.DeleteFunc(a.Approvers, func(id string) bool { return id == me.ID })
			if len(a.Approvers) == 0 {
				a.Approvers = []string{contoso[len(contoso)-1].ID}
			}
		}
	}

	// Reopen completed ones if the seed left too few pending.
	for _, a := range t.Approvals {
		if pending < 5 && a.Status == ApprovalCompleted && a.OwnerID != me.ID && a.Environment == t.Environments[0].Name {
			a.Status, a.Result, a.Completed, a.Responses = ApprovalPending, "", time.Time{}, nil
			if !slices.Contains(a.Approvers, me.ID) {
				a.Approvers = append([]string{me.ID}, a.Approvers...)
			}
			pending++
		}
	}

	// Exactly one broken connection.
	broken := false
	for _, c := range t.Connections {
		c.Status, c.ErrorTarget, c.ErrorCode, c.ErrorMessage = ConnectionConnected, "", "", ""
		if !broken && c.OwnerID == me.ID && c.Environment == t.Environments[0].Name {
			ce := connectionErrors[0]
			if c.Connector == "shared_office365" {
				ce = connectionErrors[1]
			}
			c.Status, c.ErrorTarget, c.ErrorCode, c.ErrorMessage = ConnectionError, ce.target, ce.code, ce.message
			broken = true
		}
	}

	other := Generate(Spec{Environments: 1, FlowsPerEnvironment: 4, RunsPerFlow: 10, Approvals: 2, Seed: DemoSeed + 1, Now: now,
		Users: demo.UsersOf(demo.OtherTenantID)})
	t.Users = append(t.Users, other.Users...)
	t.Environments = append(t.Environments, other.Environments...)
	t.Flows = append(t.Flows, other.Flows...)
	t.Approvals = append(t.Approvals, other.Approvals...)
	t.Apps = append(t.Apps, other.Apps...)
	t.Connections = append(t.Connections, other.Connections...)
	return t
}
