package cards

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

const (
	evilLink = "[click](https://evil.example)"
	evilHTML = "<script>alert(1)</script>"
	evilBold = "**bold** _it_ `code`"
	evilDate = "{{DATE(2020-01-01T00:00:00Z, SHORT)}}"
)

var evil = evilHTML + " " + evilLink + " " + evilBold + " " + evilDate + " " + strings.Repeat("Very long name ", 40)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		// What Teams' TextBlock markdown interprets is escaped …
		{evilLink, `[click\](https://evil.example)`},
		{evilBold, `\*\*bold\*\* \_it\_ ` + "`code`"},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"* item", `\* item`},
		{"12. point", `12\. point`},
		{"  3. indented", `  3\. indented`},
		{"line\n- item", "line\n\\- item"},
		{"_start and end_", `\_start and end\_`},
		{`a\*b`, `a\\\*b`},
		{"{{DATE(2026-01-01T00:00:00Z, SHORT)}}", "{\u200b{DATE(2026-01-01T00:00:00Z, SHORT)}}"},
		// … and nothing else: the official renderer shows a backslash as typed.
		{evilHTML, evilHTML},
		{"# title", "# title"},
		{"runs <flow> [today|24h|7d]", "runs <flow> [today|24h|7d]"},
		{"Create_invoice_in_Dynamics", "Create_invoice_in_Dynamics"},
		{`C:\Users\me`, `C:\Users\me`},
		{"~strike~ > quote | pipe", "~strike~ > quote | pipe"},
		{"plain: 4,200 EUR (Q4)", "plain: 4,200 EUR (Q4)"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeMarkdown(t *testing.T) {
	got := SafeMarkdown("**Total** " + evilLink + " ![x](https://evil.example/p.png) " + evilHTML)
	want := `**Total** click (https://evil.example) x <script>alert(1)</script>`
	if got != want {
		t.Errorf("SafeMarkdown = %q, want %q", got, want)
	}
}

func TestTrim(t *testing.T) {
	msg := strings.Repeat("word ", 200)
	got := Trim(msg, maxError)
	if n := utf8.RuneCountInString(got); n > maxError || !strings.HasSuffix(got, "word…") {
		t.Errorf("Trim = %q (%d runes), want ≤ %d runes ending in a whole word and …", got, n, maxError)
	}
	if got := Trim(strings.Repeat("é", 100), 10); got != strings.Repeat("é", 9)+"…" {
		t.Errorf("Trim of runes = %q", got)
	}
	if got := Trim("short", 10); got != "short" {
		t.Errorf("Trim(short) = %q", got)
	}
}

// hostileCards builds cards from hostile strings everywhere users can type.
func hostileCards() map[string]any {
	a := fixtureApproval()
	a.Title, a.Details, a.Requester.Name = evil, evil+"\n"+evil, evil
	a.ItemLinks = []flowdeck.Link{{Title: evil, URL: "javascript:alert(1)"}, {Title: evilLink, URL: "https://ok.example/x"}}
	a.Responses[0].Comments = evil
	a.Responses[0].Response = evilLink
	a.Options = []string{evilLink, evilHTML}
	al := fixtureAlert()
	al.Flow.DisplayName, al.EnvironmentName = evil, evil
	al.FailedAction.Name, al.FailedAction.ErrorMessage = evil, strings.Repeat(evil, 10)
	return map[string]any{
		"approval": ApprovalRequest(a, ApprovalOptions{}),
		"alert":    AlertCard(al, AlertOptions{Tab: tab, Portal: portal}),
		"pick":     PickCard(evil, evil, []Candidate{{Title: evil, Detail: evil, Value: "x"}}),
		"help":     HelpCard([]Command{{Name: evilLink, Args: evilHTML, Description: evilBold}}),
		"admin consent": ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: evil, Detail: map[string]string{
			flowdeck.DetailAdminRequired: "true", flowdeck.DetailAudienceName: evil, flowdeck.DetailMissingScopes: evil,
			flowdeck.DetailAdminConsentURL: "https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=c"}}, ErrorOptions{}),
		"admin consent, javascript: link": ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrForbidden, Message: evil, Detail: map[string]string{
			flowdeck.DetailPermission: evil, flowdeck.DetailAdminConsentURL: "javascript:alert(1)", flowdeck.DetailConsentURL: "javascript:alert(1)"}}, ErrorOptions{}),
		"apps": AppsCard([]flowdeck.App{{DisplayName: evil, Owner: flowdeck.Person{Name: evil}, Link: "javascript:alert(1)"}}, Page{}),
	}
}

func TestHostileInput(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for n, card := range hostileCards() {
		b := marshalCard(t, card)
		if strings.Contains(string(b), "<") || strings.Contains(string(b), "javascript:") {
			t.Errorf("%s card contains a raw < or a javascript: URL", n)
		}
		md, texts := collectText(t, b)
		if len(md) == 0 {
			t.Fatalf("%s card has no markdown text", n)
		}
		for _, tx := range md {
			// Where markdown is interpreted, the markup Teams renders (bold,
			// italic, links; it shows no HTML and no code) must be escaped.
			bads := []string{"[click](", "**bold**", " _it_", evilDate}
			if tx == SafeMarkdown(evil+"\n"+evil) {
				bads = bads[:1] // approval details keep emphasis by design, never links
				if !strings.Contains(tx, "click (https://evil.example)") {
					t.Errorf("details do not show the link's target: %q", tx)
				}
			}
			for _, bad := range bads {
				if strings.Contains(tx, bad) {
					t.Errorf("%s card: markdown text %q contains %q unescaped", n, tx, bad)
				}
			}
		}
		for _, tx := range texts {
			if utf8.RuneCountInString(tx) > maxDetails+500 {
				t.Errorf("%s card has a %d-character text", n, utf8.RuneCountInString(tx))
			}
		}
		f := filepath.Join(dir, n+".json")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if out, code := validateCards(t, files...); code != 0 {
		t.Fatalf("hostile cards are not valid:\n%s", out)
	}
}

// collectText returns the strings of a card that hosts read as markdown
// (TextBlock text, Fact title and value) and every text, title and value.
func collectText(t *testing.T, b []byte) (md, all []string) {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	var walk func(v any, inFacts bool)
	walk = func(v any, inFacts bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				s, ok := x.(string)
				if !ok {
					walk(x, k == "facts")
					continue
				}
				if k == "text" || k == "title" || k == "value" {
					all = append(all, s)
				}
				if (v["type"] == "TextBlock" && k == "text") || (inFacts && (k == "title" || k == "value")) {
					md = append(md, s)
				}
			}
		case []any:
			for _, x := range v {
				walk(x, inFacts)
			}
		}
	}
	walk(v, false)
	return md, all
}

// TestSizeLimit builds every list and card from 1,000-item, long-string
// inputs: each stays under MaxBytes because builders page and cap.
func TestSizeLimit(t *testing.T) {
	long := strings.Repeat("Ünïcödé flow name with spaces ", 20)
	n := 1000
	flows := make([]flowdeck.Flow, n)
	runs := make([]flowdeck.Run, n)
	acts := make([]flowdeck.Action, n)
	aps := make([]flowdeck.Approval, n)
	apps := make([]flowdeck.App, n)
	conns := make([]flowdeck.Connection, n)
	envs := make([]flowdeck.Environment, n)
	cands := make([]Candidate, n)
	results := make([]RunResult, n)
	cmds := make([]Command, 40)
	a := fixtureApproval()
	a.Title, a.Details = long, strings.Repeat(long, 50)
	a.Options = nil
	for i := range n {
		id := strconv.Itoa(i) + long[:40]
		flows[i] = flowdeck.Flow{EnvironmentID: id, ID: id, DisplayName: long, State: flowdeck.FlowSuspended, SuspensionReason: long, Trigger: long}
		runs[i] = fixtureRun(flowdeck.RunFailed)
		runs[i].ErrorMessage = long
		acts[i] = fixtureAction()
		acts[i].Name, acts[i].ErrorMessage = long, strings.Repeat(long, 5)
		aps[i] = a
		apps[i] = flowdeck.App{DisplayName: long, Owner: flowdeck.Person{Name: long}, Link: "https://apps.example/" + id}
		conns[i] = flowdeck.Connection{DisplayName: long, Status: flowdeck.ConnectionError, ErrorMessage: strings.Repeat(long, 5)}
		envs[i] = flowdeck.Environment{ID: id, DisplayName: long, SKU: long, Location: long}
		cands[i] = Candidate{Title: long, Detail: long, Value: id}
		results[i] = RunResult{Run: runs[i], FlowName: long, Err: flowdeck.Errorf(flowdeck.ErrConflict, "%s", long)}
		a.Responses = append(a.Responses, flowdeck.ApprovalResponse{Responder: flowdeck.Person{ID: id, Name: long}, Response: long, Comments: strings.Repeat(long, 5), CreatedAt: t0})
		a.Approvers = append(a.Approvers, flowdeck.Person{ID: "w" + id, Name: long})
		a.ItemLinks = append(a.ItemLinks, flowdeck.Link{Title: long, URL: "https://items.example/" + id})
	}
	for i := range cmds {
		cmds[i] = Command{Name: long[:20], Args: long[:30], Description: long}
	}
	for i := range 100 {
		a.Options = append(a.Options, long[:30]+strconv.Itoa(i))
	}
	groups := fixtureFailures(n)
	for i := range groups {
		groups[i].Flow.DisplayName, groups[i].Latest.ErrorMessage = long, strings.Repeat(long, 5)
	}
	big := fixtureAlert()
	big.Flow.DisplayName, big.FailedAction.ErrorMessage = long, strings.Repeat(long, 100)
	page := Page{Command: long, Cursor: long, Total: 100000}
	names := map[string]string{}
	cards := map[string]any{
		"approval":     ApprovalRequest(a, ApprovalOptions{UserIDs: make([]string, 500), Tab: tab, Portal: portal}),
		"completed":    ApprovalCompleted(a, ApprovalOptions{Tab: tab, Portal: portal}),
		"alert":        AlertCard(big, AlertOptions{Tab: tab, Portal: portal}),
		"digest":       DigestCard(Digest{Failures: groups, Off: flows, PendingApprovals: n}, links),
		"environments": EnvironmentsCard(envs),
		"flows":        FlowsCard(flows, names, page, links),
		"failures":     FailuresCard(groups, []string{long, long, long, long, long, long, long, long, long, long, long, long}, page, links),
		"runs":         RunsCard(flows[0], runs, page, links),
		"run":          RunCard(flows[0], runs[0], acts, links),
		"approvals":    ApprovalsCard(long, aps, page, links),
		"apps":         AppsCard(apps, page),
		"connections":  ConnectionsCard(conns, page),
		"pick":         PickCard(long, long, cands),
		"help":         HelpCard(cmds),
		"bulk_confirm": BulkConfirmCard(VerbBulkCancel, runs, names),
		"bulk_result":  BulkResultCard(VerbBulkResubmit, results, portal),
		"error":        ErrorCard(flowdeck.Errorf(flowdeck.ErrThrottled, "%s", strings.Repeat(long, 100)), ErrorOptions{Environments: []string{long, long, long, long, long, long, long, long, long, long, long}}),
	}
	dir := t.TempDir()
	var files []string
	for name, card := range cards {
		b, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) >= MaxBytes {
			t.Errorf("%s card is %d bytes, want < %d", name, len(b), MaxBytes)
		}
		f := filepath.Join(dir, name+".json")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if c := ApprovalRequest(a, ApprovalOptions{UserIDs: make([]string, 500)}); len(c.Refresh.UserIDs) != MaxRefreshUsers {
		t.Errorf("refresh has %d userIds, want %d", len(c.Refresh.UserIDs), MaxRefreshUsers)
	}
	if out, code := validateCards(t, files...); code != 0 {
		t.Fatalf("the biggest cards are not valid:\n%s", out)
	}
}

func TestTeamsTabLink(t *testing.T) {
	got := TeamsTabLink("https://teams.microsoft.com", "c9e8c047", "dashboard")(FlowSubEntity("Default-1", "f 1"))
	want := "https://teams.microsoft.com/l/entity/c9e8c047/dashboard?context=%7B%22subEntityId%22%3A%22flow%3ADefault-1%3Af+1%22%7D"
	if got != want {
		t.Errorf("link = %s, want %s", got, want)
	}
	// Another cloud's Teams web client is the host.
	if got := TeamsTabLink("https://gov.teams.microsoft.us/", "c9e8c047", "dashboard")(ApprovalsSubEntity); !strings.HasPrefix(got, "https://gov.teams.microsoft.us/l/entity/c9e8c047/dashboard?") {
		t.Errorf("GCC High link = %s", got)
	}
}

func TestWhen(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	if got, want := When(at), "{{DATE(2026-01-02T02:04:05Z, SHORT)}} {{TIME(2026-01-02T02:04:05Z)}}"; got != want {
		t.Errorf("When = %q, want %q", got, want)
	}
	if got := When(time.Time{}); got != "—" {
		t.Errorf("When(zero) = %q", got)
	}
}
