package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/ops"
)

// liveTimeout bounds a live dashboard stream: a big tenant's refresh outlasts
// the API's request timeout, so the stream has a deadline of its own.
const liveTimeout = 5 * time.Minute

// dashboardRoutes:
//   - GET /api/dashboard?window=24h|7d (default 24h) → ops.Dashboard: a fresh
//     snapshot, else a live answer.
//   - GET /api/dashboard/live?window=24h|7d&refresh=true|false → NDJSON
//     (liveEvent per line): the user's snapshot at once, when there is one,
//     then the failing flows of a live query as they arrive, then the whole
//     answer ("done") — or an "error" record once the stream has begun.
func (t *tab) dashboardRoutes(g *echo.Group) {
	g.GET("/dashboard", t.dashboard, noStore)
	g.GET("/dashboard/live", t.dashboardLive, noStore)
}

func (t *tab) dashboard(c echo.Context) error {
	q := newQuery(c)
	window := q.enum("window", "24h", "24h", "7d")
	if q.err != nil {
		return q.err
	}
	d, err := t.ops.Dashboard(ctxOf(c), window)
	if err != nil {
		return err
	}
	return okBriefly(c, d)
}

// liveEvent is one line of the live dashboard stream.
type liveEvent struct {
	// Kind is "snapshot" (Dashboard: the kept answer, with its asOf),
	// "failing" (Failing: one flow as it arrives), "done" (Dashboard: the
	// complete answer) or "error" (Error: the live query failed).
	Kind      string           `json:"kind"`
	Dashboard *ops.Dashboard   `json:"dashboard,omitempty"`
	Failing   *ops.FailingFlow `json:"failing,omitempty"`
	Error     *errorBody       `json:"error,omitempty"`
}

func (t *tab) dashboardLive(c echo.Context) error {
	q := newQuery(c)
	window := q.enum("window", "24h", "24h", "7d")
	refresh := q.boolean("refresh", false)
	if q.err != nil {
		return q.err
	}
	snap, ok, err := t.ops.DashboardSnapshot(ctxOf(c), window)
	if err != nil {
		return err
	}
	// The query outlives the API's request deadline, not the user leaving.
	req := c.Request().Context()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req), liveTimeout)
	defer cancel()
	stop := context.AfterFunc(req, func() {
		if errors.Is(req.Err(), context.Canceled) {
			cancel()
		}
	})
	defer stop()
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(liveTimeout))

	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	res.Header().Set("X-Content-Type-Options", "nosniff")
	res.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(res)
	send := func(e liveEvent) {
		if ctx.Err() == nil && enc.Encode(e) == nil {
			res.Flush()
		}
	}
	if ok {
		send(liveEvent{Kind: "snapshot", Dashboard: &snap})
	}
	d, err := t.ops.DashboardLive(ctx, window, refresh, func(f ops.FailingFlow) { send(liveEvent{Kind: "failing", Failing: &f}) })
	if err != nil {
		body := classify(err).body
		send(liveEvent{Kind: "error", Error: &body})
		return nil
	}
	send(liveEvent{Kind: "done", Dashboard: &d})
	return nil
}
