package server

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// The CSP frame-ancestors are the configured cloud's Teams, Outlook and
// Microsoft 365 hosts: a GCC High deployment is framed by GCC High's Teams,
// not by the commercial one, and the operator's extra origins follow.
func TestFrameAncestorsPerCloud(t *testing.T) {
	for _, name := range cloud.Names() {
		c, _ := cloud.Get(name)
		csp, err := contentSecurityPolicy(c.FrameAncestors, []string{"https://intranet.contoso.com"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, d := range strings.Split(csp, "; ") {
			if rest, ok := strings.CutPrefix(d, "frame-ancestors "); ok {
				got = strings.Fields(rest)
			}
		}
		want := append(append([]string{"'self'"}, c.FrameAncestors...), "https://intranet.contoso.com")
		if !slices.Equal(got, want) {
			t.Errorf("%s: frame-ancestors %v, want %v", name, got, want)
		}
	}
	high, _ := cloud.Get(cloud.GCCHigh)
	csp, _ := contentSecurityPolicy(high.FrameAncestors, nil)
	if !strings.Contains(csp, "https://gov.teams.microsoft.us") || strings.Contains(csp, "https://teams.microsoft.com") {
		t.Errorf("GCC High CSP: %q", csp)
	}
}
