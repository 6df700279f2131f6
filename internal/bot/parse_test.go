package bot

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     Command
	}{
		{"plain", "failed 7d", Command{Name: "failed", Args: []string{"7d"}}},
		{"case and alias", "FAILURES", Command{Name: "failed"}},
		{"slash", "/help", Command{Name: "help"}},
		{"straight quotes", `runs "Invoice approval"`, Command{Name: "runs", Args: []string{"Invoice approval"}}},
		{"smart quotes", "runs “Invoice  approval” post", Command{Name: "runs", Args: []string{"Invoice approval"}, Post: true}},
		{"german quotes", "off „Daily report“", Command{Name: "off", Args: []string{"Daily report"}}},
		{"unclosed quote", `runs "Invoice appr`, Command{Name: "runs", Args: []string{"Invoice appr"}}},
		{"mention", "<at>FlowDeck</at> failed post", Command{Name: "failed", Post: true}},
		{"mention with id", `<at id="0">Flow Deck</at>&nbsp;approvals`, Command{Name: "approvals"}},
		{"teams html", "<p>runs&nbsp;Invoice&amp;Co</p>", Command{Name: "runs", Args: []string{"Invoice&Co"}}},
		{"quoted post is an argument", `watch "post"`, Command{Name: "watch", Args: []string{"post"}}},
		{"empty", "  <p></p> ", Command{}},
		{"controls", "he\x00lp\u200b", Command{Name: "help"}},
		{"invalid utf8", "help \xff\xfe", Command{Name: "help"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ParseCommand(c.in)
			if got.Name != c.want.Name || !slices.Equal(got.Args, c.want.Args) || got.Post != c.want.Post {
				t.Fatalf("ParseCommand(%q) = %+v, want %+v", c.in, got, c.want)
			}
			if back := ParseCommand(got.String()); back.Name != got.Name || !slices.Equal(back.Args, got.Args) || back.Post != got.Post {
				t.Fatalf("round trip %q → %+v", got.String(), back)
			}
		})
	}
}

func TestParseCommandLimits(t *testing.T) {
	huge := "resubmit " + strings.Repeat("ABCDEF1234 ", 10000)
	c := ParseCommand(huge)
	if c.Name != "resubmit" || len(c.Args) != MaxArgs {
		t.Fatalf("huge input: %s with %d args", c.Name, len(c.Args))
	}
}

func TestLookupAndClosest(t *testing.T) {
	for in, want := range map[string]string{"appr": "approvals", "conn": "connections", "run": "run", "runs": "runs"} {
		if c, ok := lookup(in); !ok || c.Name != want {
			t.Errorf("lookup(%q) = %v, %v; want %s", in, c, ok, want)
		}
	}
	if _, ok := lookup("re"); ok {
		t.Error(`lookup("re") matched`)
	}
	for in, want := range map[string]string{"aprovals": "approvals", "fialed": "failed", "singin": "signin", "conections": "connections"} {
		if got, ok := closest(in); !ok || got != want {
			t.Errorf("closest(%q) = %q, %v; want %s", in, got, ok, want)
		}
	}
	if got, ok := closest("xyzzyplugh"); ok {
		t.Errorf("closest(nonsense) = %q", got)
	}
}

func TestSplitRunIDs(t *testing.T) {
	text, ids := splitRunIDs([]string{"Invoice", "approval", "08585a1b2c3d4e5f,08585A1B2C3D4E60"})
	if text != "Invoice approval" || !slices.Equal(ids, []string{"08585A1B2C3D4E5F", "08585A1B2C3D4E60"}) {
		t.Fatalf("got %q %v", text, ids)
	}
}

func TestCommandsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Commands() {
		if c.Name == "" || c.Description == "" || seen[c.Name] || strings.ToLower(c.Name) != c.Name {
			t.Errorf("bad command %+v", c)
		}
		seen[c.Name] = true
	}
	for alias, target := range aliases {
		if !seen[target] || seen[alias] {
			t.Errorf("alias %s → %s", alias, target)
		}
	}
}
