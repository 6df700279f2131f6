package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// maxBatch is Graph's limit: "Microsoft Graph supports batching up to 20
// requests" (https://learn.microsoft.com/graph/json-batching).
const maxBatch = 20

type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    any               `json:"body"`
}

// handleBatch is POST /v1.0/$batch (https://learn.microsoft.com/graph/json-batching):
// a JSON object whose "requests" each carry an id, a method and a URL relative
// to the version; the answer's "responses" carry each request's own status,
// headers and body, matched by id. The batch is authenticated once and each
// request is authorised on its own, with the same token. This fake serves GET
// /users/{id} and /me inside a batch; anything else is a 400 for that request.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	// The batch must be JSON (json-batching: "Content-Type: application/json").
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		writeAnswer(w, errAnswer(http.StatusBadRequest, "BadRequest", "Invalid batch payload format."))
		return
	}
	var body struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&body); err != nil || body.Requests == nil {
		writeAnswer(w, errAnswer(http.StatusBadRequest, "BadRequest", "Invalid batch payload format."))
		return
	}
	// More than 20 requests is refused whole (json-batching, "Batch size
	// limitations"); unverified: the exact message.
	if len(body.Requests) > maxBatch {
		writeAnswer(w, errAnswer(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Number of batch requests exceeds the limit of %d.", maxBatch)))
		return
	}
	seen := map[string]bool{}
	for _, br := range body.Requests {
		// Every request needs an id, unique in the batch, a method and a url (json-batching, "Request format").
		if br.ID == "" || seen[br.ID] || br.Method == "" || br.URL == "" {
			writeAnswer(w, errAnswer(http.StatusBadRequest, "BadRequest", "Invalid batch payload format: each request needs a unique id, a method and a url."))
			return
		}
		seen[br.ID] = true
	}
	out := make([]batchResponse, 0, len(body.Requests))
	for _, br := range body.Requests {
		a := s.batchOne(c, br)
		out = append(out, batchResponse{ID: br.ID, Status: a.status,
			Headers: map[string]string{"Content-Type": "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"},
			Body:    a.body})
	}
	// "the responses might appear in a different order than the requests"
	// (json-batching, "Response format"): this fake always reverses them.
	slices.Reverse(out)
	writeJSON(w, http.StatusOK, map[string]any{"responses": out})
}

// batchOne answers one request of a batch.
func (s *Server) batchOne(c caller, br batchRequest) *answer {
	if !strings.EqualFold(br.Method, http.MethodGet) {
		return errAnswer(http.StatusBadRequest, "BadRequest", "This fake Graph serves only GET requests in a batch.")
	}
	// URLs are relative to the version, with or without a leading slash; an
	// absolute URL is refused (json-batching, "Request format").
	u, err := url.Parse(strings.TrimPrefix(br.URL, "/"))
	if err != nil || u.IsAbs() || u.Host != "" {
		return errAnswer(http.StatusBadRequest, "BadRequest", "Invalid request URL in batch.")
	}
	seg := strings.Split(u.Path, "/")
	switch {
	case len(seg) == 2 && strings.EqualFold(seg[0], "users") && seg[1] != "":
		return s.user(c, seg[1], u.Query())
	default:
		return errAnswer(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", seg[0]))
	}
}
