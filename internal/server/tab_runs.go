package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// Bounds of the run routes.
const (
	maxRunPage   = 50   // top
	maxCursorLen = 4096 // a nextLink URL
)

// runRoutes:
//
//	GET  /api/flows/:env/:flow/runs?status&window&cursor&top → flowdeck.RunPage
//	GET  /api/flows/:env/:flow/runs/:run                   → ops.RunDetail
//	GET  /api/flows/:env/:flow/runs/:run/content?part&action → flowdeck.RunContent
//	POST /api/flows/:env/:flow/runs/resubmit {"runIds":[…]} → {"results":[ops.RunResult]}
//	POST /api/flows/:env/:flow/runs/cancel   {"runIds":[…]} → {"results":[ops.RunResult]}
//
// A bulk action answers 200 even when some runs failed: each result says.
func (t *tab) runRoutes(g *echo.Group) {
	g.GET("/flows/:env/:flow/runs", t.listRuns, noStore)
	g.GET("/flows/:env/:flow/runs/:run", t.getRun, noStore)
	g.GET("/flows/:env/:flow/runs/:run/content", t.getRunContent, noStore)
	g.POST("/flows/:env/:flow/runs/resubmit", t.bulkRuns(Operations.Resubmit), noStore)
	g.POST("/flows/:env/:flow/runs/cancel", t.bulkRuns(Operations.Cancel), noStore)
}

func (t *tab) listRuns(c echo.Context) error {
	env, flow, err := flowPath(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	f := runFilter(q, t.now())
	cursor := q.text("cursor", maxCursorLen)
	if q.err != nil {
		return q.err
	}
	page, err := t.ops.Runs(ctxOf(c), env, flow, f, cursor)
	if err != nil {
		return err
	}
	if page.Runs == nil {
		page.Runs = []flowdeck.Run{}
	}
	return c.JSON(http.StatusOK, page)
}

func (t *tab) getRun(c echo.Context) error {
	env, flow, run, err := runPath(c)
	if err != nil {
		return err
	}
	d, err := t.ops.Run(ctxOf(c), env, flow, run)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// bulkRequest is the body of the bulk run actions.
type bulkRequest struct {
	RunIDs []string `json:"runIds"`
}

// bulkResponse is their answer.
type bulkResponse struct {
	Results []ops.RunResult `json:"results"`
}

// bulkRuns is the handler of one bulk run action (Resubmit or Cancel).
func (t *tab) bulkRuns(do func(Operations, context.Context, string, string, []string) ([]ops.RunResult, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		env, flow, err := flowPath(c)
		if err != nil {
			return err
		}
		var req bulkRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		if len(req.RunIDs) == 0 || len(req.RunIDs) > ops.MaxBulk {
			return invalid("Select from 1 to %d runs.", ops.MaxBulk)
		}
		for _, id := range req.RunIDs {
			if !runRE.MatchString(id) {
				return invalid("%q is not a run id: 10 to 128 capital letters and digits.", flowdeck.Clip(id, 40))
			}
		}
		res, err := do(t.ops, ctxOf(c), env, flow, req.RunIDs)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, bulkResponse{Results: res})
	}
}
