package flowdeck

import (
	"net/url"
	"strings"
)

// Portal is the base URL of the configured cloud's Power Automate maker portal
// (cloud.Cloud.FlowPortal, e.g. https://make.powerautomate.com), where every
// deep link FlowDeck shows points. The zero Portal makes no links: its
// methods return "", and surfaces leave such links out.
type Portal string

func (p Portal) link(segments ...string) string {
	base := strings.TrimSuffix(string(p), "/")
	if base == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(base)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// FlowURL is a flow's page: <portal>/environments/<env>/flows/<flow>/details.
func (p Portal) FlowURL(env, flowID string) string {
	return p.link("environments", env, "flows", flowID, "details")
}

// RunURL is a run's page: <portal>/environments/<env>/flows/<flow>/runs/<run>.
func (p Portal) RunURL(env, flowID, runID string) string {
	return p.link("environments", env, "flows", flowID, "runs", runID)
}

// ApprovalURL is an approval's page, in the received box or, for its
// requester (RoleOwner), the sent box.
func (p Portal) ApprovalURL(env, id, role string) string {
	box := "received"
	if role == RoleOwner {
		box = "sent"
	}
	return p.link("environments", env, "approvals", box, id)
}

// Flow is f's page (FlowURL).
func (p Portal) Flow(f Flow) string { return p.FlowURL(f.EnvironmentID, f.ID) }

// Run is r's page (RunURL).
func (p Portal) Run(r Run) string { return p.RunURL(r.EnvironmentID, r.FlowID, r.ID) }

// Someone is how FlowDeck names a person whose name it could not read (the
// Graph permission is missing, or Graph failed).
const Someone = "someone in your organisation"
