package powerplatform

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Route keys name the routes for faults, counters and the request log.
const (
	RouteEnvironmentsList    = "environments.list"
	RouteEnvironmentsGet     = "environments.get"
	RouteFlowsList           = "flows.list"
	RouteFlowsGet            = "flows.get"
	RouteFlowsStart          = "flows.start"
	RouteFlowsStop           = "flows.stop"
	RouteTriggersList        = "triggers.list"
	RouteRunsList            = "runs.list"
	RouteRunsGet             = "runs.get"
	RouteRunsCancel          = "runs.cancel"
	RouteRunsResubmit        = "runs.resubmit"
	RouteActionsList         = "actions.list"
	RouteActionsGet          = "actions.get"
	RouteApprovalsList       = "approvals.list"
	RouteApprovalsGet        = "approvals.get"
	RouteApprovalsResponses  = "approvals.responses"
	RouteApprovalsRespond    = "approvals.respond"
	RouteAppsList            = "apps.list"
	RouteAppsGet             = "apps.get"
	RouteConnectionsList     = "connections.list"
	RoutePAEnvironmentsList  = "powerapps.environments.list"
	RoutePAEnvironmentsGet   = "powerapps.environments.get"
	RouteBAPEnvironmentsList = "bap.environments.list"
	RouteBAPEnvironmentsGet  = "bap.environments.get"
)

// The APIs, as named in the request log.
const (
	apiFlow      = "flow"
	apiPowerApps = "powerapps"
	apiBAP       = "bap"
	// apiContent is the run-content host (signed inputsLink/outputsLink).
	apiContent = "content"
)

const (
	flowPrefix      = "/providers/Microsoft.ProcessSimple"
	powerAppsPrefix = "/providers/Microsoft.PowerApps"
	bapPrefix       = "/providers/Microsoft.BusinessAppPlatform"
)

var apiVersions = map[string][]string{
	apiFlow:      {"2016-11-01"},
	apiPowerApps: {"2016-11-01", "2017-08-01", "2020-06-01"},
	apiBAP:       {"2016-11-01", "2020-10-01", "2021-04-01", "2023-06-01"},
}

// call is one request being served.
type call struct {
	s     *Server
	r     *http.Request
	p     *principal
	route string
	api   string
}

// reply is what a handler answers: a status and a JSON body (nil: empty body).
type reply struct {
	status int
	body   any
}

type handlerFunc func(c *call) (reply, *apiError)

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// handle registers pattern on mux as the route key for api.
func (s *Server) handle(mux *http.ServeMux, api, pattern, route string, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, api, route, h)
	})
}

// audiences are the token audiences api accepts, compared exactly.
func (s *Server) audiences(api string) []string {
	switch api {
	case apiFlow:
		return s.accepted.flow
	case apiPowerApps:
		return s.accepted.powerApps
	}
	return s.accepted.bap
}

// serve runs the pipeline: count, hold, latency, auth, faults, throttle,
// api-version, HTML trap, handler, truncation, log.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, api, route string, h handlerFunc) {
	rec := &statusRecorder{ResponseWriter: w}
	entry := LoggedRequest{Time: s.now(), API: api, Host: r.Host, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, Route: route}
	defer func() {
		entry.Status = rec.status
		s.rl.add(entry)
		if s.opts.OnRequest != nil {
			s.opts.OnRequest(entry)
		}
		s.log.DebugContext(r.Context(), "powerplatform request", slog.String("route", route),
			slog.Int("status", rec.status), slog.String("oid", entry.UserOID))
	}()
	s.rl.count(route)
	f, st := s.faults.get(route)
	if hold := s.faults.hold(f, st); hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			panic(http.ErrAbortHandler) // as under latency, below
		}
	}
	if d := s.faults.latency(f); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client went away (or the server is closing). Returning
			// would make net/http answer an empty 200, which can still reach
			// a client that is closing the connection; abort instead, so
			// the connection is closed without an answer. The deferred log
			// records the request with status 0.
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	c := &call{s: s, r: r, route: route, api: api}
	if route != routeUnknown {
		p, aerr := s.authenticate(r, s.audiences(api))
		if aerr != nil {
			writeAPIError(rec, aerr)
			return
		}
		c.p = p
		entry.Audience, entry.UserOID, entry.TenantID = p.Audience, p.OID, p.TenantID
	}
	if st != nil {
		if handled := s.faults.inject(rec, f, st, c); handled {
			return
		}
	}
	if route != routeUnknown {
		if aerr := checkAPIVersion(r, api); aerr != nil {
			writeAPIError(rec, aerr)
			return
		}
	}
	if f.HTMLOnExpand && strings.Contains(strings.ToLower(r.URL.Query().Get("$expand")), "properties/actions") {
		writeHTMLError(rec)
		return
	}
	rep, aerr := h(c)
	if aerr != nil {
		writeAPIError(rec, aerr)
		return
	}
	writeReply(rec, rep, f.Truncate)
}

func checkAPIVersion(r *http.Request, api string) *apiError {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		return errBadRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
	}
	if !slices.Contains(apiVersions[api], v) {
		return errBadRequest("InvalidApiVersionParameter",
			"The api-version '"+v+"' is invalid. The supported versions are '"+strings.Join(apiVersions[api], ",")+"'.")
	}
	return nil
}

func writeReply(w http.ResponseWriter, rep reply, truncate bool) {
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		writeAPIError(w, &apiError{status: http.StatusInternalServerError, code: "UnexpectedError", message: "An unexpected error occurred.", bare: true})
		return
	}
	if truncate {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rep.status)
	_, _ = w.Write(b)
}

const htmlErrorPage = `<!DOCTYPE html>
<html>
    <head>
        <title>Runtime Error</title>
    </head>
    <body bgcolor="white">
            <span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>
            <h2> <i>Runtime Error</i> </h2></span>
            <b> Description: </b>An application error occurred on the server. The current custom error settings for this application prevent the details of the application error from being viewed remotely (for security reasons).
    </body>
</html>
`

func writeHTMLError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(htmlErrorPage))
}

const routeUnknown = "unknown"

func (s *Server) notFound(c *call) (reply, *apiError) {
	u := *c.r.URL
	u.Scheme, u.Host = "https", c.r.Host
	return reply{}, errNoRoute(u.String())
}
