package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// jobRoutes: the bulk jobs of the tab, beyond one page of runs.
//
//	GET  /api/jobs                → {"jobs":[flowdeck.BulkJob]} (the user's recent jobs)
//	POST /api/jobs ops.JobRequest → flowdeck.BulkJob (the same key: the same job)
//	GET  /api/jobs/:id            → ops.JobView (another user's job is 404)
//	POST /api/jobs/:id/retry {"key"} → flowdeck.BulkJob of the runs that failed
//	POST /api/jobs/:id/resume     → flowdeck.BulkJob (a paused job goes on; 409 when it is not paused)
func (t *tab) jobRoutes(g *echo.Group) {
	g.GET("/jobs", t.listJobs, noStore)
	g.POST("/jobs", t.createJob, noStore)
	g.GET("/jobs/:id", t.getJob, noStore)
	g.POST("/jobs/:id/retry", t.retryJob, noStore)
	g.POST("/jobs/:id/resume", t.resumeJob, noStore)
}

// jobList is the answer of GET /api/jobs.
type jobList struct {
	Jobs []flowdeck.BulkJob `json:"jobs"`
}

// retryRequest is the body of POST /api/jobs/:id/retry.
type retryRequest struct {
	Key string `json:"key"`
}

func (t *tab) listJobs(c echo.Context) error {
	jobs, err := t.ops.Jobs(ctxOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, jobList{Jobs: jobs})
}

// decodeJobRequest reads and checks the body of POST /api/jobs.
func decodeJobRequest(c echo.Context) (ops.JobRequest, error) {
	var req ops.JobRequest
	if err := decodeJSON(c, &req); err != nil {
		return ops.JobRequest{}, err
	}
	if err := ops.CheckJobRequest(req); err != nil {
		return ops.JobRequest{}, err
	}
	return req, nil
}

func (t *tab) createJob(c echo.Context) error {
	req, err := decodeJobRequest(c)
	if err != nil {
		return err
	}
	j, err := t.ops.CreateJob(ctxOf(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (t *tab) getJob(c echo.Context) error {
	id, err := guidParam(c, "id", "a job")
	if err != nil {
		return err
	}
	v, err := t.ops.Job(ctxOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (t *tab) retryJob(c echo.Context) error {
	id, err := guidParam(c, "id", "a job")
	if err != nil {
		return err
	}
	var req retryRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !guidRE.MatchString(req.Key) {
		return invalid("key is the confirmation's id: a guid.")
	}
	j, err := t.ops.RetryJob(ctxOf(c), id, req.Key)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (t *tab) resumeJob(c echo.Context) error {
	id, err := guidParam(c, "id", "a job")
	if err != nil {
		return err
	}
	if err := noBody(c); err != nil {
		return err
	}
	j, err := t.ops.ResumeJob(ctxOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}
