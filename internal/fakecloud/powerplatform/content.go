package powerplatform

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The run-content host plays the Logic Apps runtime host that serves the
// inputs and outputs of a run's actions (prod-NN.<region>.logic.azure.com in
// the public cloud): links carried by the actions list as inputsLink and
// outputsLink, signed with a shared access signature in the query.
// Source: powerplatform-api.md §2 and E7b (CLI fixtures, MSPPS, MISC).

// RouteContentGet is the route key of the run-content host (one action's inputs or outputs).
const RouteContentGet = "runs.content"

// contentAPIVersion is the api-version of content links (Logic Apps runtime,
// not the Flow RP's): seen in every captured link (CLI fixtures).
const contentAPIVersion = "2016-06-01"

// DefaultContentTTL is how long a content link's signature is valid when
// Options.ContentTTL is zero (unverified: the real lifetime is not published).
const DefaultContentTTL = time.Hour

// Content kinds, the last path segment of a content link.
const (
	contentInputs  = "ActionInputs"
	contentOutputs = "ActionOutputs"
)

// workflowID is the Logic Apps workflow id of f in content links: the flow's
// GUID without dashes (32 hex digits, as real links show).
func workflowID(f *Flow) string { return strings.ReplaceAll(strings.ToLower(f.Name), "-", "") }

// sign is the signature of a content link: HMAC-SHA256 over what the link
// grants, with a key only this server knows.
func (s *Server) sign(path, se, sp, sv string) string {
	m := hmac.New(sha256.New, s.contentKey)
	fmt.Fprintf(m, "%s\n%s\n%s\n%s", path, se, sp, sv)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// contentLink renders an inputsLink or outputsLink for content: a signed URL
// on the run-content host with the content's size and MD5 hash, the shape of
// the CLI's fixtures (powerplatform-api.md E6). The caller holds s.mu.
func (s *Server) contentLink(f *Flow, r *Run, action, kind string, content []byte) map[string]any {
	rel := "/runs/" + r.Name + "/actions/" + action + "/contents/" + kind
	return s.signedLink(f, rel, "/runs/"+r.Name+"/actions/"+url.PathEscape(action)+"/contents/"+kind, content)
}

// signedLink renders a content link for the run-relative path rel (unescaped;
// escaped in the URL): signed over the workflow path, granting rel + "/read".
func (s *Server) signedLink(f *Flow, rel, escaped string, content []byte) map[string]any {
	path := "/workflows/" + workflowID(f) + rel
	se := s.now().Add(s.opts.ContentTTL).UTC().Format("2006-01-02T15:04:05.0000000Z")
	sp := rel + "/read"
	q := url.Values{"api-version": {contentAPIVersion}, "se": {se}, "sp": {sp}, "sv": {"1.0"}}
	q.Set("sig", s.sign(path, se, sp, "1.0"))
	u := s.contentURL + "/workflows/" + workflowID(f) + escaped + "?" + q.Encode()
	sum := md5.Sum(content)
	hash := base64.StdEncoding.EncodeToString(sum[:])
	return map[string]any{"uri": u, "contentVersion": hash, "contentSize": len(content),
		"contentHash": map[string]any{"algorithm": "md5", "value": hash}}
}

// Trigger content kinds, the last path segment of a trigger's content link.
const (
	contentTriggerInputs  = "TriggerInputs"
	contentTriggerOutputs = "TriggerOutputs"
)

// triggerContent renders a trigger's inputs or outputs (illustrative shapes).
func triggerContent(f *Flow, kind string) []byte {
	var v any = map[string]any{"type": f.Trigger.Type, "kind": f.Trigger.Kind}
	if kind == contentTriggerOutputs {
		v = map[string]any{"headers": map[string]any{"Content-Type": "application/json"},
			"body": map[string]any{"trigger": f.Trigger.Name}}
	}
	b, _ := json.Marshal(v)
	return b
}

// httpStatusOf maps a connector action's code to the HTTP status its
// outputs carry (Logic Apps names a failed connector action after the status).
var httpStatusOf = map[string]int{
	"BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404, "Conflict": 409,
	"Throttled": 429, "TooManyRequests": 429, "InternalServerError": 500, "BadGateway": 502,
	"ServiceUnavailable": 503, "GatewayTimeout": 504,
}

// actionContent renders an action's inputs and outputs: for a connector
// action the raw HTTP exchange {"statusCode","headers","body"}, where a
// failure's error sits in body.error (the connector's own error), not in the
// action's properties (E7b; the body shape is illustrative).
func actionContent(f *Flow, a actionView, kind string) []byte {
	var v any
	switch {
	case kind == contentInputs && a.def.Connector != "":
		v = map[string]any{"host": map[string]any{"connectionName": a.def.Connector, "operationId": a.def.OperationID,
			"apiId": "/providers/Microsoft.PowerApps/apis/" + a.def.Connector}, "method": "get"}
	case kind == contentInputs:
		v = map[string]any{"type": a.def.Type}
	case a.def.Connector != "" && a.failure != nil:
		status := httpStatusOf[a.failure.code]
		if status == 0 {
			status = http.StatusBadRequest
		}
		v = map[string]any{"statusCode": status,
			"headers": map[string]any{"Content-Type": "application/json; charset=utf-8", "x-ms-request-id": workflowID(f)},
			"body":    map[string]any{"error": map[string]any{"code": a.failure.code, "message": a.failure.message}}}
	case a.def.Connector != "":
		body := map[string]any{}
		if a.def.OutputBytes > 0 {
			body["value"] = strings.Repeat("x", a.def.OutputBytes)
		}
		v = map[string]any{"statusCode": 200, "headers": map[string]any{"Content-Type": "application/json; charset=utf-8"}, "body": body}
	default:
		v = map[string]any{"body": nil}
	}
	b, _ := json.Marshal(v)
	return b
}

// contentError is an error of the run-content host, in the Logic Apps envelope.
func contentError(w http.ResponseWriter, status int, code, msg string) {
	writeAPIError(w, &apiError{status: status, code: code, message: msg})
}

// serveContent answers GET <content link>. It refuses any Authorization
// header, a missing or wrong signature and an expired one; then it serves the
// content as the link's action has it now.
func (s *Server) serveContent(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	entry := LoggedRequest{Time: s.now(), API: apiContent, Host: r.Host, Method: r.Method, Path: r.URL.Path,
		Query: redactSig(r.URL.Query()), Route: RouteContentGet, Authorization: r.Header.Get("Authorization") != ""}
	defer func() {
		entry.Status = rec.status
		s.rl.add(entry)
		if s.opts.OnRequest != nil {
			s.opts.OnRequest(entry)
		}
	}()
	s.rl.count(RouteContentGet)
	f, st := s.faults.get(RouteContentGet)
	if st != nil && s.faults.inject(rec, f, st, &call{s: s, r: r, route: RouteContentGet, api: apiContent}) {
		return
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		// A bearer on a SAS link is refused: 400 DirectApiRequestHasMoreThanOneAuthorization
		// (Azure/logicapps#1157 gives the status; fjogeleit/http-request-action#2 the body).
		scheme, _, _ := strings.Cut(auth, " ")
		contentError(rec, http.StatusBadRequest, "DirectApiRequestHasMoreThanOneAuthorization",
			fmt.Sprintf("The request has both SAS authentication scheme and '%s' authorization scheme. Only one scheme should be used.", scheme))
		return
	}
	q := r.URL.Query()
	if q.Get("api-version") != contentAPIVersion {
		contentError(rec, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	se, sp, sv, sig := q.Get("se"), q.Get("sp"), q.Get("sv"), q.Get("sig")
	// A bad signature: 401 DirectApiInvalidAuthorizationSignature (a public
	// client's fixture of Logic Apps answers; the status there is 401).
	want := s.sign(r.URL.Path, se, sp, sv)
	if sig == "" || !hmac.Equal([]byte(sig), []byte(want)) {
		contentError(rec, http.StatusUnauthorized, "DirectApiInvalidAuthorizationSignature", "The provided authorization signature is not valid.")
		return
	}
	// An expired link is refused like a bad one (unverified: no capture of the real answer).
	exp, err := time.Parse(time.RFC3339Nano, se)
	if err != nil || !s.now().Before(exp) {
		contentError(rec, http.StatusUnauthorized, "DirectApiInvalidAuthorizationSignature", "The provided authorization signature is not valid.")
		return
	}
	body, ok := s.lookupContent(r)
	if !ok {
		contentError(rec, http.StatusNotFound, "WorkflowRunActionNotFound", "The workflow run action could not be found.")
		return
	}
	if f.ContentPad > 0 {
		body = append(body, strings.Repeat(" ", f.ContentPad)...)
	}
	rec.Header().Set("Content-Type", "application/json; charset=utf-8")
	rec.WriteHeader(http.StatusOK)
	_, _ = rec.Write(body)
}

// lookupContent finds the flow, run and action a content path names and
// renders the content.
func (s *Server) lookupContent(r *http.Request) ([]byte, bool) {
	wf, run, action, kind := r.PathValue("workflow"), r.PathValue("run"), r.PathValue("action"), r.PathValue("kind")
	trigger := action == "" && (kind == contentTriggerInputs || kind == contentTriggerOutputs)
	if !trigger && (action == "" || (kind != contentInputs && kind != contentOutputs)) {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	for _, f := range s.st.flows {
		if workflowID(f) != wf {
			continue
		}
		rn := s.st.runIdx[f][run]
		if rn == nil {
			return nil, false
		}
		if trigger {
			return triggerContent(f, kind), true
		}
		for _, a := range runActions(f, rn, s.now()) {
			if a.name == action && a.hasContent(kind) && !a.secure(kind) {
				return actionContent(f, a, kind), true
			}
		}
	}
	return nil, false
}

// redactSig is a content link's query with the signature removed: a sig is a secret.
func redactSig(q url.Values) string {
	if q.Has("sig") {
		q.Set("sig", "REDACTED")
	}
	return q.Encode()
}

// contentMux routes the run-content host.
func (s *Server) contentMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /workflows/{workflow}/runs/{run}/actions/{action}/contents/{kind}", s.serveContent)
	m.HandleFunc("GET /workflows/{workflow}/runs/{run}/contents/{kind}", s.serveContent)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		contentError(w, http.StatusNotFound, "NotFound", "No HTTP resource was found that matches the request URI.")
	})
	return m
}

// ContentURL is the run-content host's base URL (production: https://prod-NN.<region>.logic.azure.com:443).
func (s *Server) ContentURL() string { return s.contentURL }

// ContentHost is the run-content host's host:port, for the list of hosts a
// client accepts content links from.
func (s *Server) ContentHost() string {
	u, err := url.Parse(s.contentURL)
	if err != nil {
		return ""
	}
	return u.Host
}
