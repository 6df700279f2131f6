package server

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Bounds of an approval response.
const (
	maxCommentRunes  = 1000
	maxResponseRunes = 200
)

// approvalRoutes:
//
//	GET  /api/approvals?role=received|sent&active=true|false         → flowdeck.ApprovalsReport
//	GET  /api/approvals/:env/:id                                      → flowdeck.Approval
//	POST /api/approvals/:env/:id/respond {"response","comments"}      → flowdeck.Approval as it is now
func (t *tab) approvalRoutes(g *echo.Group) {
	g.GET("/approvals", t.listApprovals, noStore)
	g.GET("/approvals/:env/:id", t.getApproval, noStore)
	g.POST("/approvals/:env/:id/respond", t.respond, noStore)
}

// approvalRoles maps the tab's words to the roles of ops.Approvals.
var approvalRoles = map[string]string{"received": flowdeck.RoleApprover, "sent": flowdeck.RoleOwner}

func (t *tab) listApprovals(c echo.Context) error {
	q := newQuery(c)
	role := q.enum("role", "received", "received", "sent")
	active := q.boolean("active", true)
	if q.err != nil {
		return q.err
	}
	rep, err := t.ops.Approvals(ctxOf(c), approvalRoles[role], active)
	if err != nil {
		return err
	}
	if rep.Approvals == nil {
		rep.Approvals = []flowdeck.Approval{}
	}
	return c.JSON(http.StatusOK, rep)
}

// approvalPath returns the :env and :id path parameters, checked.
func approvalPath(c echo.Context) (env, id string, err error) {
	if env, err = envParam(c); err != nil {
		return "", "", err
	}
	if id, err = guidParam(c, "id", "an approval"); err != nil {
		return "", "", err
	}
	return env, id, nil
}

func (t *tab) getApproval(c echo.Context) error {
	env, id, err := approvalPath(c)
	if err != nil {
		return err
	}
	a, err := t.ops.Approval(ctxOf(c), env, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// respondRequest is the body of POST /api/approvals/:env/:id/respond.
type respondRequest struct {
	Response string `json:"response"`
	Comments string `json:"comments"`
}

func (t *tab) respond(c echo.Context) error {
	env, id, err := approvalPath(c)
	if err != nil {
		return err
	}
	var req respondRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.Response) == "":
		return invalid("Choose a response, such as Approve or Reject.")
	case !printable(req.Response, maxResponseRunes):
		return invalid("A response is at most %d printable characters.", maxResponseRunes)
	case !utf8.ValidString(req.Comments) || utf8.RuneCountInString(req.Comments) > maxCommentRunes:
		return invalid("Comments are at most %d characters.", maxCommentRunes)
	}
	a, err := t.ops.Respond(ctxOf(c), env, id, req.Response, req.Comments)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}
