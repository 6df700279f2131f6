package flowdeck

import (
	"net/url"
	"regexp"
	"strings"
)

// Kinds of PortalLink.
const (
	LinkFlow     = "flow"
	LinkRun      = "run"
	LinkApproval = "approval"
)

// PortalLink is what a Power Automate portal link points at: a flow, a run or
// an approval (ParsePortalLink).
type PortalLink struct {
	// Kind is LinkFlow, LinkRun or LinkApproval.
	Kind string
	// Host is the link's host, lower case.
	Host          string
	EnvironmentID string
	FlowID        string
	RunID         string
	ApprovalID    string
}

var (
	linkGUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	linkEnv  = regexp.MustCompile(`^(?:Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	linkRun  = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)
)

// MaxPortalLink is the longest link ParsePortalLink reads.
const MaxPortalLink = 2048

// ParsePortalLink reads back a link to a flow, a run or an approval on one of
// hosts (the portals of every cloud: make.powerautomate.com, the older
// flow.microsoft.com, the sovereign clouds' hosts; compared case-insensitively,
// https only), in the shapes Portal builds and the portal shows:
//
//	/[manage/]environments/<env>/flows/<flow>[/details]
//	/[manage/]environments/<env>/flows/<flow>/runs/<run>
//	/[manage/]environments/<env>/approvals/{received,sent}/<approval>
//
// Anything else (another host, another page, an id of the wrong form, user
// info in the URL) is not a portal link: ok is false.
func ParsePortalLink(raw string, hosts []string) (l PortalLink, ok bool) {
	if len(raw) > MaxPortalLink {
		return PortalLink{}, false
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.User != nil || u.Opaque != "" {
		return PortalLink{}, false
	}
	host := strings.ToLower(u.Hostname())
	if u.Port() != "" && u.Port() != "443" {
		return PortalLink{}, false
	}
	known := false
	for _, h := range hosts {
		if strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(h, "https://"), "http://"), host) {
			known = true
			break
		}
	}
	if !known {
		return PortalLink{}, false
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(seg) > 0 && strings.EqualFold(seg[0], "manage") {
		seg = seg[1:]
	}
	if len(seg) < 4 || !strings.EqualFold(seg[0], "environments") || !linkEnv.MatchString(seg[1]) {
		return PortalLink{}, false
	}
	l = PortalLink{Host: host, EnvironmentID: seg[1]}
	switch rest := seg[2:]; {
	case strings.EqualFold(rest[0], "flows") && linkGUID.MatchString(rest[1]):
		l.FlowID = rest[1]
		switch {
		case len(rest) == 2, len(rest) == 3 && strings.EqualFold(rest[2], "details"):
			l.Kind = LinkFlow
		case len(rest) == 4 && strings.EqualFold(rest[2], "runs") && linkRun.MatchString(rest[3]):
			l.Kind, l.RunID = LinkRun, rest[3]
		default:
			return PortalLink{}, false
		}
	case strings.EqualFold(rest[0], "approvals") && len(rest) == 3 &&
		(strings.EqualFold(rest[1], "received") || strings.EqualFold(rest[1], "sent")) && linkGUID.MatchString(rest[2]):
		l.Kind, l.ApprovalID = LinkApproval, rest[2]
	default:
		return PortalLink{}, false
	}
	return l, true
}
