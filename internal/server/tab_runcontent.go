package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// runWindows are the time windows a run listing may be narrowed to, as the
// portal's run history offers them (its history keeps 28 days).
var runWindows = map[string]time.Duration{
	"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "28d": 28 * 24 * time.Hour,
}

// runFilter reads a run listing's filter: status (Running, Succeeded,
// Failed, Cancelled), window (1h, 24h, 7d, 28d: runs started since now minus
// the window) and top (1 to maxRunPage).
func runFilter(q *query, now time.Time) flowdeck.RunFilter {
	f := flowdeck.RunFilter{
		Status: q.enum("status", "", flowdeck.RunRunning, flowdeck.RunSucceeded, flowdeck.RunFailed, flowdeck.RunCancelled),
		Top:    q.integer("top", 0, 1, maxRunPage),
	}
	if w := q.enum("window", "", "1h", "24h", "7d", "28d"); w != "" {
		f.Since = now.Add(-runWindows[w]).UTC().Truncate(time.Second)
	}
	return f
}

// maxActionName is the longest action name Logic Apps allows.
const maxActionName = 80

// contentQuery reads the query of a run-content request: part (inputs or
// outputs, required) and action (an action's name; absent for the trigger).
func contentQuery(q *query) (part, action string) {
	part = q.enum("part", "", flowdeck.ContentInputs, flowdeck.ContentOutputs)
	action = q.text("action", maxActionName)
	if q.err != nil {
		return "", ""
	}
	if part == "" {
		q.err = invalid("part is inputs or outputs.")
		return "", ""
	}
	if _, given := q.v["action"]; given && (action == "" || strings.ContainsAny(action, "/\\?#%")) {
		q.err = invalid("action is an action's name: 1 to %d characters, without / \\ ? # or %%.", maxActionName)
		return "", ""
	}
	return part, action
}

// runPath returns the :env, :flow and :run path parameters, checked.
func runPath(c echo.Context) (env, flow, run string, err error) {
	if env, flow, err = flowPath(c); err != nil {
		return "", "", "", err
	}
	run = c.Param("run")
	if !runRE.MatchString(run) {
		return "", "", "", invalid("That is not a run id: 10 to 128 capital letters and digits.")
	}
	return env, flow, run, nil
}

// getRunContent answers the inputs or outputs of a run's trigger or action,
// read server-side from its content link (never shown to the browser).
func (t *tab) getRunContent(c echo.Context) error {
	env, flow, run, err := runPath(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	part, action := contentQuery(q)
	if q.err != nil {
		return q.err
	}
	rc, err := t.ops.RunContent(ctxOf(c), env, flow, run, action, part)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rc)
}
