package bot

import (
	"slices"
	"testing"
)

// TestPostOnlyInGroups: a final unquoted "post" asks to answer in the group
// only in a group; in a personal chat it is the last word of the arguments,
// and written back it stays an argument.
func TestPostOnlyInGroups(t *testing.T) {
	for _, c := range []struct {
		name, in string
		group    bool
		args     []string
		post     bool
	}{
		{"group", "failed post", true, nil, true},
		{"group with a name", "runs Daily report post", true, []string{"Daily", "report"}, true},
		{"personal: a flow called Daily post", "runs Daily post", false, []string{"Daily", "post"}, false},
		{"personal alone", "failed post", false, []string{"post"}, false},
		{"personal quoted", `runs "Daily post"`, false, []string{"Daily post"}, false},
		{"group quoted is no keyword", `watch "post"`, true, []string{"post"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ParseCommand(c.in).forScope(c.group)
			if !slices.Equal(got.Args, c.args) || got.Post != c.post {
				t.Fatalf("%q in a group %v = %q post %v; want %q post %v", c.in, c.group, got.Args, got.Post, c.args, c.post)
			}
			back := ParseCommand(got.String()).forScope(c.group)
			if !slices.Equal(back.Args, got.Args) || back.Post != got.Post {
				t.Fatalf("written back as %q, read as %q post %v", got.String(), back.Args, back.Post)
			}
		})
	}
}

// TestQuotedNamesAreNotRunIDs: a quoted argument is a name even when it
// looks like a run id; unquoted run ids are found anywhere, in any case,
// comma-separated.
func TestQuotedNamesAreNotRunIDs(t *testing.T) {
	for _, c := range []struct {
		in, text string
		ids      []string
	}{
		{"cancel 08585a1b2c3d4e5f", "", []string{"08585A1B2C3D4E5F"}},
		{`cancel "Report2024Final" 08585A1B2C3D4E5F`, "Report2024Final", []string{"08585A1B2C3D4E5F"}},
		{`resubmit “Q3Report2024x”`, "Q3Report2024x", nil},
		{"resubmit Invoice sync 08585A1B2C3D4E5F,08585A1B2C3D4E60", "Invoice sync", []string{"08585A1B2C3D4E5F", "08585A1B2C3D4E60"}},
		{"cancel Report2024Final", "", []string{"REPORT2024FINAL"}},
	} {
		text, ids := ParseCommand(c.in).runIDs()
		if text != c.text || !slices.Equal(ids, c.ids) {
			t.Errorf("%s → %q %v; want %q %v", c.in, text, ids, c.text, c.ids)
		}
	}
}

// TestWindowInAnyOrder: "failed <env> 7d", "failed 7d <env>" and the other
// words for a window read the same; a quoted window is a name.
func TestWindowInAnyOrder(t *testing.T) {
	for _, c := range []struct {
		in, window string
		rest       []string
	}{
		{"failed", "24h", nil},
		{"failed 7d", "7d", []string{}},
		{"failed Contoso Sales 7d", "7d", []string{"Contoso", "Sales"}},
		{"failed 7d Contoso Sales", "7d", []string{"Contoso", "Sales"}},
		{"failed Contoso week Sales", "7d", []string{"Contoso", "Sales"}},
		{"failed TODAY Contoso", "24h", []string{"Contoso"}},
		{`failed "7d" Contoso`, "24h", []string{"7d", "Contoso"}},
	} {
		w, rest := ParseCommand(c.in).takeWindow("24h")
		if w != c.window || len(rest) != len(c.rest) || (len(rest) > 0 && !slices.Equal(rest, c.rest)) {
			t.Errorf("%s → %s %q; want %s %q", c.in, w, rest, c.window, c.rest)
		}
	}
	// The command's own arguments are left as they were.
	c := ParseCommand("failed Contoso 7d")
	c.takeWindow("24h")
	if !slices.Equal(c.Args, []string{"Contoso", "7d"}) {
		t.Errorf("takeWindow changed the command: %q", c.Args)
	}
}
