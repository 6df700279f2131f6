package bot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// allActionData returns the data of every action with verb on the card, in order.
func allActionData(tb testing.TB, card any, verb string) []map[string]any {
	tb.Helper()
	b, err := json.Marshal(card)
	must(tb, err)
	var generic any
	must(tb, json.Unmarshal(b, &generic))
	var out []map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["verb"] == verb {
				d, _ := x["data"].(map[string]any)
				out = append(out, d)
			}
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(generic)
	return out
}

// typo swaps two letters in the middle of the longest word of name that
// only that flow's name holds, and returns the name with it ("" when none).
func typo(rows []ops.FlowRow, name string) string {
	count := map[string]int{}
	for _, f := range rows {
		for _, w := range strings.Fields(strings.ToLower(f.DisplayName)) {
			count[w]++
		}
	}
	best := ""
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if count[w] == 1 && len(w) >= 7 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" && len(w) > len(best) {
			best = w
		}
	}
	if best == "" {
		return ""
	}
	r := []rune(best)
	for i := 2; i+1 < len(r); i++ {
		if r[i] != r[i+1] {
			r[i], r[i+1] = r[i+1], r[i]
			break
		}
	}
	return string(r)
}

// TestForgivingCommands drives the forgiving parser through the real bot
// endpoint against the fake Power Platform: "cancel <run id>" finds a run
// that is still running (not only failed ones) and the confirm button
// cancels it upstream; a typo'd flow name answers "did you mean" with
// buttons that keep the rest of the command (here the run id), and
// pressing one runs that command with the flow; a name that is nowhere
// close repeats the search and says what to type next.
func TestForgivingCommands(t *testing.T) {
	w := newWorld(t, worldOptions{})
	adele := cloudtest.Adele()
	ctx := waitCtx(t)
	res, err := w.drv.Install(ctx, adele)
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("install: %d", res.Status)
	}
	w.next(t, w.drv.ConversationID(adele), 0)
	w.signIn(t, adele)
	list, err := w.ops.Flows(as(adele), ops.FlowQuery{State: "started", Limit: 200})
	must(t, err)

	t.Run("cancel a running run by its id alone", func(t *testing.T) {
		flow := list.Items[len(list.Items)-1]
		id, err := w.cloud.PP.AddRun(flow.EnvironmentID, flow.ID, powerplatform.RunSpec{Status: "Running"})
		must(t, err)
		r := w.ask(t, adele, "cancel "+strings.ToLower(id))
		if len(r.Activity().Attachments) == 0 {
			t.Fatalf("cancel of a running run answered %q", r.Activity().Text)
		}
		data := actionData(t, r.Activity().Attachments[0].Content, cards.VerbBulkCancel)
		if _, body := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbBulkCancel, data, "")); !strings.Contains(strings.ToLower(body), "cancel") {
			t.Errorf("the confirm answered %s", body)
		}
		if run, err := w.cloud.PP.Run(flow.EnvironmentID, flow.ID, id); err != nil || run.Status != "Cancelled" {
			t.Errorf("the run at the fake = %+v, %v; want Cancelled", run, err)
		}
	})

	t.Run("a typo offers the close flows, keeping the rest", func(t *testing.T) {
		var flow ops.FlowRow
		typed := ""
		for _, f := range list.Items {
			if typed = typo(list.Items, f.DisplayName); typed != "" {
				flow = f
				break
			}
		}
		if typed == "" {
			t.Fatal("no flow name with a word of its own to misspell")
		}
		id, err := w.cloud.PP.AddRun(flow.EnvironmentID, flow.ID, powerplatform.RunSpec{Status: "Running"})
		must(t, err)
		r := w.ask(t, adele, "cancel "+typed+" "+id)
		if len(r.Activity().Attachments) == 0 || !strings.Contains(content(r), "Did you mean") {
			t.Fatalf("%q answered %s", typed, content(r))
		}
		var pick map[string]any
		for _, d := range allActionData(t, r.Activity().Attachments[0].Content, cards.VerbPick) {
			if d["choice"] == flow.ID {
				pick = d
			}
		}
		if pick == nil {
			t.Fatalf("no button for %q among %s", flow.DisplayName, content(r))
		}
		if cmd, _ := pick["command"].(string); !strings.Contains(cmd, id) || !strings.HasPrefix(cmd, "cancel ") {
			t.Errorf("the button's command %q does not keep the rest of the command", cmd)
		}
		card, body := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbPick, pick, ""))
		data := actionData(t, card, cards.VerbBulkCancel)
		if runs, _ := data["runs"].([]any); len(runs) != 1 || !strings.Contains(body, id) {
			t.Errorf("the pick answered %s; want the confirm of run %s", body, id)
		}
	})

	t.Run("nothing close repeats the search and says what next", func(t *testing.T) {
		r := w.ask(t, adele, "runs qqqzzzxxx")
		if c := content(r); !strings.Contains(c, "qqqzzzxxx") || !strings.Contains(c, "**flows**") {
			t.Errorf("no match answered %s", c)
		}
	})
}
