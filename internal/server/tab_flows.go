package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/ops"
)

// maxOffset bounds the offset of a flow listing.
const maxOffset = 1_000_000

// flowRoutes:
//
//	GET  /api/flows?env&q&state&owner&whose&person&failing&window&sort&desc&offset&limit&refresh&snapshot → ops.FlowList
//	     (failures from the user's dashboard of the window: a fresh snapshot
//	     answers; refresh=true asks live, at most once a minute;
//	     snapshot=true answers only from what is kept, at any age, asking
//	     Power Automate nothing — the tab shows it while the live list loads)
//	GET  /api/flows/:env/:flow                                       → flowdeck.Flow
//	POST /api/flows/:env/:flow/state {"on":bool}                     → flowdeck.Flow as it is now
func (t *tab) flowRoutes(g *echo.Group) {
	g.GET("/flows", t.listFlows, noStore)
	g.GET("/flows/:env/:flow", t.getFlow, noStore)
	g.POST("/flows/:env/:flow/state", t.setFlowState, noStore)
}

func (t *tab) listFlows(c echo.Context) error {
	fq, err := flowQueryOf(newQuery(c))
	if err != nil {
		return err
	}
	list, err := t.ops.Flows(ctxOf(c), fq)
	if err != nil {
		return err
	}
	return okBriefly(c, list)
}

// flowQueryOf reads GET /api/flows's query; window (24h or 7d) is how far
// back failing and the failures column look; whose (mine or shared) keeps
// the flows the user created or those shared with them; person searches the
// owners' display names; refresh asks the failures live and snapshot only
// from what is kept (ops.FlowQuery).
func flowQueryOf(q *query) (ops.FlowQuery, error) {
	fq := ops.FlowQuery{
		Environment: q.text("env", 128),
		Text:        q.text("q", 200),
		State:       q.enum("state", "", "Started", "Stopped", "Suspended", "off"),
		Owner:       q.guid("owner"),
		Whose:       q.enum("whose", "", "", ops.WhoseMine, ops.WhoseShared),
		Person:      q.text("person", ops.MaxPersonSearch),
		Failing:     q.boolean("failing", false),
		Sort:        q.enum("sort", "name", "name", "environment", "state", "modified", "failures"),
		Desc:        q.boolean("desc", false),
		Offset:      q.integer("offset", 0, 0, maxOffset),
		Limit:       q.integer("limit", 50, 1, ops.MaxPageSize),
		Window:      q.enum("window", "24h", "24h", "7d"),
		Refresh:     q.boolean("refresh", false),
		Snapshot:    q.boolean("snapshot", false),
	}
	return fq, q.err
}

func (t *tab) getFlow(c echo.Context) error {
	env, flow, err := flowPath(c)
	if err != nil {
		return err
	}
	f, err := t.ops.Flow(ctxOf(c), env, flow)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// flowStateRequest is the body of POST /api/flows/:env/:flow/state.
type flowStateRequest struct {
	On *bool `json:"on"`
}

func (t *tab) setFlowState(c echo.Context) error {
	env, flow, err := flowPath(c)
	if err != nil {
		return err
	}
	var req flowStateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.On == nil {
		return invalid(`Say whether to turn the flow on or off: {"on":true} or {"on":false}.`)
	}
	f, err := t.ops.SetFlowState(ctxOf(c), env, flow, *req.On)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}
