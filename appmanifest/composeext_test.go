package appmanifest

import (
	"slices"
	"strings"
	"testing"
)

func TestComposeExtensions(t *testing.T) {
	m, _ := mustManifest(t, validOptions(t))
	if len(m.ComposeExtensions) != 1 {
		t.Fatalf("%d compose extensions, want 1", len(m.ComposeExtensions))
	}
	ce := m.ComposeExtensions[0]
	check(t, "botId", ce.BotID, testClientID)
	var ids []string
	for _, c := range ce.Commands {
		ids = append(ids, c.ID)
		if c.Type != "query" || !c.InitialRun || !slices.Equal(c.Context, []string{"compose", "commandBox"}) || len(c.Parameters) != 1 {
			t.Errorf("command %+v", c)
		}
	}
	if !slices.Equal(ids, []string{SearchFlowsID, SearchFailedID, SearchApprovalsID}) {
		t.Errorf("commands %v", ids)
	}
	if len(ce.MessageHandlers) != 1 || ce.MessageHandlers[0].Type != "link" {
		t.Fatalf("messageHandlers %+v", ce.MessageHandlers)
	}
	d := ce.MessageHandlers[0].Value.Domains
	if !slices.Contains(d, "flow.microsoft.com") || !slices.Contains(d, "make.powerautomate.com") || len(d) != 6 {
		t.Errorf("domains %v", d)
	}

	o := validOptions(t)
	o.LinkDomains = nil
	if m, _ := mustManifest(t, o); len(m.ComposeExtensions[0].MessageHandlers) != 0 {
		t.Errorf("messageHandlers without domains: %+v", m.ComposeExtensions[0].MessageHandlers)
	}
	for _, bad := range []string{"https://make.powerautomate.com/environments", "flow microsoft com", "localhost", "*.*.example.com"} {
		o.LinkDomains = []string{bad}
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "LinkDomains") {
			t.Errorf("LinkDomains %q: %v", bad, err)
		}
	}
}
