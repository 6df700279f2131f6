package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxFlowNameRunes bounds the flow name a watch keeps for listings.
const maxFlowNameRunes = 256

// watchRoutes:
//
//	POST   /api/watches {"target","environmentId","flowId","flowName"} → Subscription, 201
//	DELETE /api/watches/:id                                            → 204
//
// Watching what is already watched answers the existing subscription.
func (t *tab) watchRoutes(g *echo.Group) {
	g.POST("/watches", t.watch, noStore)
	g.DELETE("/watches/:id", t.unwatch, noStore)
}

// watchRequest is the body of POST /api/watches.
type watchRequest struct {
	Target        string `json:"target"`
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
	FlowName      string `json:"flowName"`
}

// check validates the request's shape: which ids a target takes, and theirs.
func (r watchRequest) check() error {
	switch r.Target {
	case flowdeck.WatchAll:
		if r.EnvironmentID != "" || r.FlowID != "" || r.FlowName != "" {
			return invalid("A watch of all flows names no environment or flow.")
		}
	case flowdeck.WatchEnvironment:
		if !envRE.MatchString(r.EnvironmentID) {
			return invalid("Say which environment to watch: environmentId is Default-<guid> or a guid.")
		}
		if r.FlowID != "" || r.FlowName != "" {
			return invalid("A watch of an environment names no flow.")
		}
	case flowdeck.WatchFlow:
		if !envRE.MatchString(r.EnvironmentID) || !guidRE.MatchString(r.FlowID) {
			return invalid("Say which flow to watch: environmentId (Default-<guid> or a guid) and flowId (a guid).")
		}
		if !printable(r.FlowName, maxFlowNameRunes) {
			return invalid("flowName is at most %d printable characters.", maxFlowNameRunes)
		}
	default:
		return invalid("target is all, environment or flow.")
	}
	return nil
}

func (t *tab) watch(c echo.Context) error {
	var req watchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	sub, err := t.ops.Watch(ctxOf(c), flowdeck.Subscription{
		Target: req.Target, EnvironmentID: req.EnvironmentID, FlowID: req.FlowID, FlowName: req.FlowName,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sub)
}

func (t *tab) unwatch(c echo.Context) error {
	if err := noBody(c); err != nil {
		return err
	}
	id := c.Param("id")
	if !subIDRE.MatchString(id) {
		return invalid("That is not a watch id.")
	}
	if err := t.ops.Unwatch(ctxOf(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
