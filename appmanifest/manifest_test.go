package appmanifest

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	testClientID = "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b"
	testAppID    = "0b7e4d2a-6c1f-4a8e-b3d5-9f2c7e1a4b6d"
)

var testCommands = []Command{
	{Title: "flows", Description: "List your flows and their last runs"},
	{Title: "failures", Description: "Show the flows that failed recently"},
	{Title: "approvals", Description: "Show the approvals waiting for you"},
	{Title: "help", Description: "Show what FlowDeck can do"},
}

// validOptions returns options that pass validation.
func validOptions(t testing.TB) Options {
	t.Helper()
	u, err := url.Parse("https://FlowDeck.Contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		AppID:     testAppID,
		ClientID:  strings.ToUpper(testClientID),
		PublicURL: u,
		AppIDURI:  "api://flowdeck.contoso.com/botid-" + testClientID,
		Version:   "1.4.2",
		Commands:  testCommands,
		LinkDomains: []string{"make.powerautomate.com", "https://Flow.Microsoft.com", "make.gov.powerautomate.us",
			"make.high.powerautomate.us", "make.powerautomate.appsplatform.us", "make.powerautomate.cn"},
	}
}

// mustManifest renders o and decodes it into the manifest document.
func mustManifest(t testing.TB, o Options) (manifest, []byte) {
	t.Helper()
	b, err := Manifest(o)
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	var m manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode manifest: %v\n%s", err, b)
	}
	return m, b
}

func check[T comparable](t *testing.T, field string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", field, got, want)
	}
}

func checkSlice(t *testing.T, field string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

func TestManifestFields(t *testing.T) {
	m, raw := mustManifest(t, validOptions(t))
	check(t, "$schema", m.Schema, "https://developer.microsoft.com/json-schemas/teams/v1.25/MicrosoftTeams.schema.json")
	check(t, "manifestVersion", m.ManifestVersion, "1.25")
	check(t, "version", m.Version, "1.4.2")
	check(t, "id", m.ID, testAppID)
	check(t, "developer", m.Developer, developer{
		Name:          "FlowDeck",
		WebsiteURL:    "https://flowdeck.contoso.com/",
		PrivacyURL:    "https://flowdeck.contoso.com/privacy",
		TermsOfUseURL: "https://flowdeck.contoso.com/terms",
	})
	check(t, "name", m.Name, name{Short: "FlowDeck", Full: "FlowDeck for Power Automate"})
	check(t, "icons", m.Icons, icons{Color: "color.png", Outline: "outline.png"})
	check(t, "accentColor", m.AccentColor, AccentColor)
	checkSlice(t, "permissions", m.Permissions, []string{"identity", "messageTeamMembers"})
	checkSlice(t, "validDomains", m.ValidDomains, []string{"flowdeck.contoso.com"})
	check(t, "webApplicationInfo", m.WebApplicationInfo, webApplicationInfo{
		ID:       testClientID, // lower-cased
		Resource: "api://flowdeck.contoso.com/botid-" + testClientID,
	})

	if len(m.Bots) != 1 {
		t.Fatalf("bots = %d, want 1", len(m.Bots))
	}
	b := m.Bots[0]
	check(t, "botId", b.BotID, testClientID)
	checkSlice(t, "bot scopes", b.Scopes, []string{"personal", "team", "groupChat"})
	check(t, "isNotificationOnly", b.IsNotificationOnly, false)
	if len(b.CommandLists) != 3 {
		t.Fatalf("commandLists = %d, want one per scope", len(b.CommandLists))
	}
	for i, l := range b.CommandLists {
		checkSlice(t, "commandLists scopes", l.Scopes, b.Scopes[i:i+1])
		if len(l.Commands) != len(testCommands) {
			t.Fatalf("commandLists[%d] has %d commands, want %d", i, len(l.Commands), len(testCommands))
		}
		for j, c := range l.Commands {
			check(t, "command", c, command(testCommands[j]))
		}
	}

	want := []staticTab{
		{EntityID: "dashboard", Name: "FlowDeck", ContentURL: "https://flowdeck.contoso.com/?inTeams=1",
			WebsiteURL: "https://flowdeck.contoso.com/", Scopes: []string{"personal"}, Context: []string{"personalTab"}},
		{EntityID: "conversations", Scopes: []string{"personal"}},
		{EntityID: "about", Scopes: []string{"personal"}},
	}
	if len(m.StaticTabs) != len(want) {
		t.Fatalf("staticTabs = %d, want %d", len(m.StaticTabs), len(want))
	}
	for i, tab := range m.StaticTabs {
		w := want[i]
		check(t, "entityId", tab.EntityID, w.EntityID)
		check(t, "tab name", tab.Name, w.Name)
		check(t, "contentUrl", tab.ContentURL, w.ContentURL)
		check(t, "websiteUrl", tab.WebsiteURL, w.WebsiteURL)
		checkSlice(t, "tab scopes", tab.Scopes, w.Scopes)
		checkSlice(t, "tab context", tab.Context, w.Context)
	}

	if !strings.HasSuffix(string(raw), "}\n") || !strings.Contains(string(raw), "\n  \"manifestVersion\": \"1.25\",\n") {
		t.Errorf("manifest is not indented JSON ending in a newline:\n%s", raw)
	}
}

func TestManifestDefaults(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:3978/")
	m, _ := mustManifest(t, Options{ClientID: testClientID, PublicURL: u})
	check(t, "id", m.ID, testClientID)
	check(t, "version", m.Version, DefaultVersion)
	check(t, "resource", m.WebApplicationInfo.Resource, "api://127.0.0.1:3978/botid-"+testClientID)
	checkSlice(t, "validDomains", m.ValidDomains, []string{"127.0.0.1:3978"})
	check(t, "contentUrl", m.StaticTabs[0].ContentURL, "http://127.0.0.1:3978/?inTeams=1")
	check(t, "privacyUrl", m.Developer.PrivacyURL, "http://127.0.0.1:3978/privacy")
	if m.Bots[0].CommandLists != nil {
		t.Errorf("commandLists = %v, want none without commands", m.Bots[0].CommandLists)
	}
}

// TestManifestLimits checks the fixed texts and the generated document
// against the schema's limits (teams-platform.md §1.2), independently of the
// JSON schema test.
func TestManifestLimits(t *testing.T) {
	o := validOptions(t)
	o.Commands = nil
	for i := range MaxCommands {
		o.Commands = append(o.Commands, Command{
			Title:       strings.Repeat("t", MaxCommandTitle-2) + string(rune('a'+i)) + "é",
			Description: strings.Repeat("é", MaxCommandDescription),
		})
	}
	m, _ := mustManifest(t, o)
	for _, tc := range []struct {
		field string
		s     string
		max   int
	}{
		{"developer.name", m.Developer.Name, 32},
		{"name.short", m.Name.Short, 30},
		{"name.full", m.Name.Full, 100},
		{"description.short", m.Description.Short, 80},
		{"description.full", m.Description.Full, 4000},
		{"staticTabs[0].entityId", m.StaticTabs[0].EntityID, 64},
		{"staticTabs[0].name", m.StaticTabs[0].Name, 128},
		{"webApplicationInfo.resource", m.WebApplicationInfo.Resource, 2048},
	} {
		if n := utf8.RuneCountInString(tc.s); n == 0 || n > tc.max {
			t.Errorf("%s has %d characters, want 1..%d", tc.field, n, tc.max)
		}
	}
	if n := len(m.Bots[0].CommandLists); n > 3 {
		t.Errorf("%d command lists, at most 3 allowed", n)
	}
	for _, l := range m.Bots[0].CommandLists {
		if len(l.Commands) > 10 {
			t.Errorf("%d commands in a list, want at most 10", len(l.Commands))
		}
	}
	if n := len(m.StaticTabs); n > 16 {
		t.Errorf("%d static tabs, at most 16 allowed", n)
	}
	for _, want := range []string{"fails", "fix", "approv", "truth", "every environment", "single sign-on", "permissions"} {
		if !strings.Contains(strings.ToLower(m.Description.Full), want) {
			t.Errorf("description.full does not mention %q", want)
		}
	}
}
