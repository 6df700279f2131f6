package cards

import (
	"strconv"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Fixed inputs for the golden cards: realistic names, no clock.
var (
	t0      = time.Date(2026, 11, 25, 8, 12, 0, 0, time.UTC)
	envID   = "Default-72f988bf-86f1-41af-91ab-2d7cd011db47"
	tab     = TeamsTabLink("https://teams.microsoft.com", "c9e8c047-2a74-40a2-b28a-b162d5f5327c", "dashboard")
	portal  = flowdeck.Portal("https://make.powerautomate.com")
	links   = Links{Tab: tab, Portal: portal}
	adele   = flowdeck.Person{ID: "6467882c-fdfd-4354-a1ed-4e13f064be25", Name: "Adele Vance", Email: "adelev@contoso.com"}
	alex    = flowdeck.Person{ID: "0b2f1c9e-4a1d-4c43-9d1b-7e3b8f2a1c55", Name: "Alex Wilber", Email: "alexw@contoso.com"}
	megan   = flowdeck.Person{ID: "a1b2c3d4-0000-4000-8000-000000000003", Name: "Megan Bowen", Email: "meganb@contoso.com"}
	userIDs = []string{"29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85g", "29:1pDq9sG0Qm4X0fD8Yq0oj8tHZmzrQgFmB39ATiQWA85h"}
)

func fixtureApproval() flowdeck.Approval {
	return flowdeck.Approval{
		EnvironmentID: envID,
		ID:            "3f9d7f5e-9b1a-4c1e-8f7d-2b6e1f0c9a11",
		Title:         "Purchase request PR-1042: 3 laptops, 4,200 EUR",
		Details:       "**Cost centre:** 4711\n\n- 3 × ThinkPad X1\n- Delivery to Munich office\n\nSee [the quote](https://contoso.sharepoint.com/sites/purchasing/quote-1042.pdf).",
		Status:        flowdeck.ApprovalPending,
		Requester:     megan,
		CreatedAt:     t0,
		DueAt:         t0.Add(72 * time.Hour),
		Options:       []string{flowdeck.ResponseApprove, flowdeck.ResponseReject},
		Approvers:     []flowdeck.Person{adele, alex},
		Responses: []flowdeck.ApprovalResponse{
			{Responder: alex, Response: flowdeck.ResponseApprove, Comments: "Fine for Q4 budget.", CreatedAt: t0.Add(40 * time.Minute)},
		},
		ItemLinks: []flowdeck.Link{{Title: "PR-1042 in SharePoint", URL: "https://contoso.sharepoint.com/sites/purchasing/Lists/Requests/DispForm.aspx?ID=1042"}},
		AwaitAll:  true,
		Role:      flowdeck.RoleApprover,
	}
}

func fixtureFlow() flowdeck.Flow {
	return flowdeck.Flow{EnvironmentID: envID, ID: "5f0c2a1e-8d3b-4e6f-9a7c-1b2d3e4f5a6b", DisplayName: "Invoice sync to Dynamics",
		State: flowdeck.FlowStarted, TriggerKind: "Recurrence", Trigger: "Recurrence", CreatedAt: t0.Add(-90 * 24 * time.Hour)}
}

func fixtureRun(status string) flowdeck.Run {
	return flowdeck.Run{EnvironmentID: envID, FlowID: fixtureFlow().ID, ID: "08584680000000000000000000000CU12", Status: status,
		Code: "ActionFailed", ErrorMessage: "An action failed. No dependent actions succeeded.", TriggerName: "Recurrence",
		StartTime: t0, EndTime: t0.Add(95 * time.Second)}
}

func fixtureAction() flowdeck.Action {
	return flowdeck.Action{Name: "Create_invoice_in_Dynamics", Status: flowdeck.RunFailed, Code: "BadRequest", ErrorCode: "0x80040217",
		ErrorMessage: "Entity 'invoice' With Id = 7d3f2a10-6b1c-4f8e-9b2a-0c1d2e3f4a5b Does Not Exist. The customer account may have been deleted or merged; check the lookup in step 'Get customer'.",
		StartTime:    t0.Add(80 * time.Second), EndTime: t0.Add(95 * time.Second)}
}

func fixtureAlert() Alert {
	return Alert{Flow: fixtureFlow(), EnvironmentName: "Contoso (default)", Run: fixtureRun(flowdeck.RunFailed), FailedAction: fixtureAction(), Count: 1}
}

func fixtureFailures(n int) []FlowFailures {
	out := make([]FlowFailures, n)
	for i := range out {
		f := fixtureFlow()
		f.ID = "flow-" + strconv.Itoa(i)
		f.DisplayName = "Flow number " + strconv.Itoa(i)
		r := fixtureRun(flowdeck.RunFailed)
		r.FlowID = f.ID
		out[i] = FlowFailures{Flow: f, EnvironmentName: "Contoso (default)", Count: 3 + i, Latest: r, LatestAction: fixtureAction()}
	}
	if n > 0 {
		out[0].Flow = fixtureFlow()
		out[0].Count = 37
	}
	return out
}

func fixtureCommands() []Command {
	return []Command{
		{"flows", "[name]", "List your flows, or the ones whose name matches."},
		{"failures", "[today|24h|7d]", "What failed, grouped by flow."},
		{"runs", "<flow>", "The latest runs of a flow."},
		{"resubmit", "<run…>", "Resubmit runs (asks first)."},
		{"off", "<flow>", "Turn a flow off."},
		{"approvals", "", "Approvals waiting for you."},
		{"help", "", "This list."},
	}
}
