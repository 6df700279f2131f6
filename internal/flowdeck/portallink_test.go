package flowdeck_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

const (
	tEnv  = "Default-72f988bf-86f1-41af-91ab-2d7cd011db47"
	tFlow = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
	tRun  = "08584731882957426511584237717CU12"
	tAppr = "6f1e2d3c-4b5a-4697-8877-665544332211"
)

var tHosts = []string{"https://make.powerautomate.com", "https://flow.microsoft.com", "https://make.gov.powerautomate.us"}

func TestParsePortalLink(t *testing.T) {
	tests := []struct {
		raw  string
		want flowdeck.PortalLink
		ok   bool
	}{
		{flowdeck.Portal("https://make.powerautomate.com").FlowURL(tEnv, tFlow),
			flowdeck.PortalLink{Kind: flowdeck.LinkFlow, Host: "make.powerautomate.com", EnvironmentID: tEnv, FlowID: tFlow}, true},
		{flowdeck.Portal("https://make.powerautomate.com").RunURL(tEnv, tFlow, tRun),
			flowdeck.PortalLink{Kind: flowdeck.LinkRun, Host: "make.powerautomate.com", EnvironmentID: tEnv, FlowID: tFlow, RunID: tRun}, true},
		{flowdeck.Portal("https://make.gov.powerautomate.us").ApprovalURL(tEnv, tAppr, flowdeck.RoleOwner),
			flowdeck.PortalLink{Kind: flowdeck.LinkApproval, Host: "make.gov.powerautomate.us", EnvironmentID: tEnv, ApprovalID: tAppr}, true},
		{"https://FLOW.microsoft.com/manage/environments/" + tEnv + "/flows/" + tFlow + "?tab=runs#x",
			flowdeck.PortalLink{Kind: flowdeck.LinkFlow, Host: "flow.microsoft.com", EnvironmentID: tEnv, FlowID: tFlow}, true},
		{"http://make.powerautomate.com/environments/" + tEnv + "/flows/" + tFlow, flowdeck.PortalLink{}, false},
		{"https://evil.example/environments/" + tEnv + "/flows/" + tFlow, flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com.evil.example/environments/" + tEnv + "/flows/" + tFlow, flowdeck.PortalLink{}, false},
		{"https://user@make.powerautomate.com/environments/" + tEnv + "/flows/" + tFlow, flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com:8443/environments/" + tEnv + "/flows/" + tFlow, flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com/environments/" + tEnv + "/flows/not-a-guid", flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com/environments/" + tEnv + "/flows/" + tFlow + "/runs/../../x", flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com/environments/" + tEnv + "/approvals/other/" + tAppr, flowdeck.PortalLink{}, false},
		{"https://make.powerautomate.com/environments/" + tEnv + "/connections", flowdeck.PortalLink{}, false},
		{"", flowdeck.PortalLink{}, false},
	}
	for _, tt := range tests {
		got, ok := flowdeck.ParsePortalLink(tt.raw, tHosts)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParsePortalLink(%q) = %+v, %v; want %+v, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParsePortalLink: any input is read without panicking, and what it
// accepts is a link on a known host with ids of the right form, which
// Portal turns back into a link that parses the same.
func FuzzParsePortalLink(f *testing.F) {
	f.Add(flowdeck.Portal("https://make.powerautomate.com").RunURL(tEnv, tFlow, tRun))
	f.Add(flowdeck.Portal("https://flow.microsoft.com").ApprovalURL(tEnv, tAppr, ""))
	f.Add("https://make.powerautomate.com/manage/environments/" + tEnv + "/flows/" + tFlow + "/details")
	f.Add("https://make.powerautomate.com/%2e%2e/")
	f.Fuzz(func(t *testing.T, raw string) {
		l, ok := flowdeck.ParsePortalLink(raw, tHosts)
		if !ok {
			return
		}
		p := flowdeck.Portal("https://" + l.Host)
		var back string
		switch l.Kind {
		case flowdeck.LinkFlow:
			back = p.FlowURL(l.EnvironmentID, l.FlowID)
		case flowdeck.LinkRun:
			back = p.RunURL(l.EnvironmentID, l.FlowID, l.RunID)
		case flowdeck.LinkApproval:
			back = p.ApprovalURL(l.EnvironmentID, l.ApprovalID, "")
		default:
			t.Fatalf("kind %q", l.Kind)
		}
		again, ok := flowdeck.ParsePortalLink(back, tHosts)
		if !ok || again != l {
			t.Fatalf("%q parsed to %+v; rebuilt %q parsed to %+v, %v", raw, l, back, again, ok)
		}
	})
}
