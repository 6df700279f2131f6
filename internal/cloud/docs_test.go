package cloud_test

import (
	"os"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// TestDocsListWhatIsUnverified: docs/configuration.md ("What is unverified,
// per cloud") names exactly each cloud's Unverified fields, and its portal
// table each cloud's portals.
func TestDocsListWhatIsUnverified(t *testing.T) {
	raw, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	_, section, ok := strings.Cut(doc, "### What is unverified, per cloud")
	if !ok {
		t.Fatal(`docs/configuration.md has no "What is unverified, per cloud" section`)
	}
	for _, name := range cloud.Names() {
		c, _ := cloud.Get(name)
		var row string
		for _, line := range strings.Split(section, "\n") {
			if strings.HasPrefix(line, "| `"+name+"` |") {
				row = line
				break
			}
		}
		cells := strings.Split(row, "|")
		if len(cells) < 3 {
			t.Errorf("no row for %s in the unverified table", name)
			continue
		}
		want := "—"
		if len(c.Unverified) > 0 {
			want = strings.Join(c.Unverified, ", ")
		}
		if got := strings.TrimSpace(cells[2]); got != want {
			t.Errorf("%s: the docs list %q as unverified, the table %q", name, got, want)
		}
		portalRow := "| `" + name + "` | " + strings.TrimPrefix(c.FlowPortal, "https://") + " | " + strings.TrimPrefix(c.LegacyFlowPortal, "https://") +
			" | " + c.TeamsHost + " |"
		if !strings.Contains(doc, portalRow) {
			t.Errorf("the portal table lacks %q", portalRow)
		}
	}
}
