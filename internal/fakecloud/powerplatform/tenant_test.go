package powerplatform

import (
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Names in testTenant.
const (
	envDefault  = "Default-" + demo.TenantID
	envProd     = "5d0c6f3e-8f4a-4c1b-9b7e-0a1b2c3d4e5f"
	envFab      = "Default-" + demo.OtherTenantID
	flowFail    = "0a000000-0000-4000-8000-000000000001"
	flowOK      = "0a000000-0000-4000-8000-000000000002"
	flowDLP     = "0a000000-0000-4000-8000-000000000003"
	flowAlways  = "0a000000-0000-4000-8000-000000000004"
	flowMegan   = "0a000000-0000-4000-8000-000000000005"
	flowSol     = "0a000000-0000-4000-8000-000000000006"
	flowFab     = "0a000000-0000-4000-8000-000000000007"
	apBasic     = "0b000000-0000-4000-8000-000000000001"
	apAll       = "0b000000-0000-4000-8000-000000000002"
	apCustomAll = "0b000000-0000-4000-8000-000000000003"
	apDone      = "0b000000-0000-4000-8000-000000000004"
	appMine     = "0c000000-0000-4000-8000-000000000001"
	appShared   = "0c000000-0000-4000-8000-000000000002"
	appHidden   = "0c000000-0000-4000-8000-000000000003"
	runsOfFail  = 30
)

// testTenant is a small hand-made tenant whose every object the tests know.
func testTenant(now time.Time) *Tenant {
	u := demo.Users()
	adeleID, meganID, alexID := u[0].ID, u[1].ID, u[2].ID
	mk := func(name, env, owner, display string, tr Trigger, acts []Action) *Flow {
		return &Flow{Name: name, Environment: env, OwnerID: owner, DisplayName: display, State: StateStarted,
			SuspensionReason: SuspensionNone, Trigger: tr, Actions: acts, Duration: 90 * time.Second,
			Created: now.Add(-100 * 24 * time.Hour), Modified: now.Add(-10 * 24 * time.Hour)}
	}
	invoice := []Action{aGetItem, aApproval, aCondition, aUpdateItem, aSendEmail}
	fail := mk(flowFail, envDefault, adeleID, "Invoice approval – Finance", trigNewItem, invoice)
	fail.FailRate, fail.Failure = 0.8, failBadGateway("Update_item")
	for i := range runsOfFail {
		start := now.Add(-10*time.Minute - time.Duration(runsOfFail-1-i)*time.Hour)
		r := &Run{Name: runName(start, uint64(i), uint64(i)), StartTime: start, EndTime: start.Add(90 * time.Second), Status: RunSucceeded}
		if i%3 == 0 {
			fl := fail.Failure
			r.Status, r.Failure = RunFailed, &fl
		}
		fail.Runs = append(fail.Runs, r)
	}
	ok := mk(flowOK, envDefault, adeleID, "Sync SharePoint list to Dataverse", trigRecurrenceHourly, []Action{aGetItems, aApplyEach, aAddRow})
	ok.SharedWith = []string{meganID}
	ok.Failure = failThrottled("Add_a_new_row")
	ok.Runs = []*Run{{Name: runName(now.Add(-time.Hour), 1, 1), StartTime: now.Add(-time.Hour), EndTime: now.Add(-59 * time.Minute), Status: RunSucceeded}}
	dlp := mk(flowDLP, envDefault, adeleID, "Copy Forms responses to Excel", trigNewResponse, []Action{aFormResp, aExcelRow})
	dlp.State, dlp.SuspensionReason, dlp.SuspensionTime = StateSuspended, SuspensionCompanyDlpViolation, now.Add(-48*time.Hour)
	always := mk(flowAlways, envDefault, adeleID, "Daily Sales report", trigRecurrenceDaily, []Action{aListRows, aHTMLTable, aSendEmail})
	always.State, always.SuspensionReason, always.SuspensionTime = StateSuspended, SuspensionAlwaysFailingDetected, now.Add(-24*time.Hour)
	always.FailRate, always.Failure = 1, failThrottled("List_rows")
	mg := mk(flowMegan, envDefault, meganID, "Request time off", trigButton, []Action{aGetManager, aApproval})
	sol := mk(flowSol, envProd, adeleID, "Welcome new hires – HR", trigNewRow, []Action{aInitVar, aSendEmail})
	sol.Solution = true
	fab := mk(flowFab, envFab, demo.UsersOf(demo.OtherTenantID)[0].ID, "Fabrikam order sync", trigHTTP, []Action{aParseJSON, aResponse})

	ap := func(name, typ, owner string, approvers, options []string) *Approval {
		return &Approval{Name: name, Environment: envDefault, Title: "Approve invoice INV-1042 (€1,250)", Details: "Requested by **Megan Bowen**",
			Type: typ, OwnerID: owner, Approvers: approvers, Options: options, Priority: "Medium",
			Created: now.Add(-2 * time.Hour), Expiration: now.Add(30 * 24 * time.Hour), Status: ApprovalPending}
	}
	basic := ap(apBasic, ApprovalBasic, meganID, []string{adeleID, alexID}, []string{"Approve", "Reject"})
	all := ap(apAll, ApprovalBasicAwaitAll, meganID, []string{adeleID, alexID}, []string{"Approve", "Reject"})
	custom := ap(apCustomAll, ApprovalCustomAwaitAll, meganID, []string{adeleID, alexID}, []string{"Yes", "No", "Need info"})
	done := ap(apDone, ApprovalBasic, adeleID, []string{alexID}, []string{"Approve", "Reject"})
	done.Created = now.Add(-5 * time.Hour)
	done.Responses = []*ApprovalResponse{{Name: "0d000000-0000-4000-8000-000000000001", UserID: alexID, Response: "Reject", Comments: "Over budget", Created: now.Add(-4 * time.Hour)}}
	applyResponses(done, now.Add(-4*time.Hour))

	env := func(name, tid, display, sku string, def bool) *Environment {
		return &Environment{Name: name, TenantID: tid, DisplayName: display, SKU: sku, IsDefault: def, Location: "europe",
			InstanceURL: "https://org0001.crm4.dynamics.com/", Created: now.Add(-400 * 24 * time.Hour)}
	}
	app := func(name, owner string, shared ...string) *App {
		return &App{Name: name, Environment: envDefault, DisplayName: "Expense Tracker", OwnerID: owner, SharedWith: shared,
			Created: now.Add(-50 * 24 * time.Hour), Modified: now.Add(-5 * 24 * time.Hour), Connectors: []string{"shared_sharepointonline"}}
	}
	conn := func(name, owner, connector, status string) *Connection {
		c := &Connection{Name: name, Environment: envDefault, Connector: connector, OwnerID: owner, Status: status,
			Created: now.Add(-50 * 24 * time.Hour), Modified: now.Add(-5 * 24 * time.Hour)}
		if status == ConnectionError {
			c.ErrorTarget, c.ErrorCode, c.ErrorMessage = connectionErrors[0].target, connectionErrors[0].code, connectionErrors[0].message
		}
		return c
	}
	return &Tenant{
		Users: demo.Users(),
		Environments: []*Environment{env(envDefault, demo.TenantID, "Contoso (default)", "Default", true),
			env(envProd, demo.TenantID, "Contoso Production", "Production", false),
			env(envFab, demo.OtherTenantID, "Fabrikam (default)", "Default", true)},
		Flows:     []*Flow{fail, ok, dlp, always, mg, sol, fab},
		Approvals: []*Approval{basic, all, custom, done},
		Apps:      []*App{app(appMine, adeleID), app(appShared, meganID, adeleID), app(appHidden, meganID)},
		Connections: []*Connection{conn("shared-office365-1", adeleID, "shared_office365", ConnectionConnected),
			conn("shared-sharepointonl-2", adeleID, "shared_sharepointonline", ConnectionError),
			conn("shared-office365-3", meganID, "shared_office365", ConnectionConnected),
			conn("shared-logicflows-4", adeleID, "shared_logicflows", ConnectionConnected)},
	}
}
