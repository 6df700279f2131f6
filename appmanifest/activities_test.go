package appmanifest

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

// TestManifestActivities: the manifest declares FlowDeck's activity types
// (what Graph's sendActivityNotification checks activityType against), each
// once, with a description and a templateText whose parameters are the ones
// the monitor fills ({flowName}, {title}); the schema's limits hold
// (TestSchemaValid checks the whole document against the official schema).
func TestManifestActivities(t *testing.T) {
	m, _ := mustManifest(t, validOptions(t))
	want := map[string][]string{ActivityFlowFailed: {"flowName"}, ActivityApprovalRequested: {"title"}}
	param := regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	seen := map[string]bool{}
	for _, a := range m.Activities.ActivityTypes {
		if seen[a.Type] {
			t.Errorf("activity type %s declared twice", a.Type)
		}
		seen[a.Type] = true
		params, ok := want[a.Type]
		if !ok {
			t.Errorf("activity type %s is not one FlowDeck sends", a.Type)
			continue
		}
		var got []string
		for _, p := range param.FindAllStringSubmatch(a.TemplateText, -1) {
			got = append(got, p[1])
		}
		checkSlice(t, a.Type+".templateText parameters", got, params)
		if n := utf8.RuneCountInString(a.Description); n == 0 || n > 128 {
			t.Errorf("%s.description has %d characters, want 1..128", a.Type, n)
		}
		if n := utf8.RuneCountInString(a.TemplateText); n > 128 {
			t.Errorf("%s.templateText has %d characters, want at most 128", a.Type, n)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("declared %v, want %v", seen, want)
	}
}
