package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// MaxBatch is how many requests one JSON batch may carry: "Microsoft Graph
// supports batching up to 20 requests" (https://learn.microsoft.com/graph/json-batching).
const MaxBatch = 20

// userSelect is what FlowDeck reads of another user: with the delegated
// permission User.ReadBasic.All, the least privileged that names other users
// (https://learn.microsoft.com/graph/api/user-get, permissions table), only
// the basic profile is readable, and FlowDeck needs only the name.
const userSelect = "id,displayName"

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidID reports whether id has the form of an Entra object id (a GUID);
// nothing else is ever sent to Graph as a user id.
func ValidID(id string) bool { return guidRE.MatchString(id) }

// DisplayNames returns the display names of the given user object ids, as the
// signed-in user may read them (delegated User.ReadBasic.All): one
// GET /users/{id}?$select=id,displayName for a single id, else POST /$batch
// with up to MaxBatch such requests each. Ids Graph does not know (deleted
// users, other tenants) are absent from the answer; so are strings that are
// not object ids, which are never sent.
//
// Without the permission Graph answers 403 and the error is of kind
// flowdeck.ErrForbidden; a failure of Graph is flowdeck.ErrUnavailable or
// flowdeck.ErrThrottled. The names found before a failure are returned with it.
func (c *Client) DisplayNames(ctx context.Context, ids []string) (map[string]string, error) {
	want := uniqueIDs(ids)
	out := make(map[string]string, len(want))
	if len(want) == 1 {
		name, err := c.displayName(ctx, want[0])
		if err == nil && name != "" {
			out[want[0]] = name
		}
		if errors.Is(err, flowdeck.ErrNotFound) {
			err = nil
		}
		return out, err
	}
	var firstErr error
	for len(want) > 0 {
		n := min(len(want), MaxBatch)
		err := c.batch(ctx, want[:n], out)
		want = want[n:]
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if errors.Is(err, flowdeck.ErrForbidden) || ctx.Err() != nil {
			break // the same token would be refused again
		}
	}
	return out, firstErr
}

// uniqueIDs keeps the object ids among ids, lower-cased, each once, in order.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var want []string
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		if ValidID(id) && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	return want
}

func userPath(id string) string {
	return "/users/" + url.PathEscape(id) + "?$select=" + userSelect
}

// displayName is GET /v1.0/users/{id}?$select=id,displayName.
func (c *Client) displayName(ctx context.Context, id string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url("/v1.0/users/"+url.PathEscape(id), url.Values{"$select": {userSelect}}), nil)
	if err != nil {
		return "", err
	}
	var u user
	if err := c.do(req, &u); err != nil {
		return "", graphError(err)
	}
	return u.DisplayName, nil
}

type batchRequest struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// batch asks for the names of ids (at most MaxBatch) in one POST /v1.0/$batch
// and adds those found to out. Each answer carries its own status
// (https://learn.microsoft.com/graph/json-batching, "Response format"); the
// answers may come in any order, so they are matched by id.
func (c *Client) batch(ctx context.Context, ids []string, out map[string]string) error {
	reqs := make([]batchRequest, len(ids))
	for i, id := range ids {
		reqs[i] = batchRequest{ID: strconv.Itoa(i + 1), Method: http.MethodGet, URL: userPath(id)}
	}
	body, err := json.Marshal(map[string]any{"requests": reqs})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1.0/$batch", nil), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var page struct {
		Responses []batchResponse `json:"responses"`
	}
	if err := c.do(req, &page); err != nil {
		return graphError(err)
	}
	var worst error
	answered := 0
	for _, r := range page.Responses {
		i, err := strconv.Atoi(r.ID)
		if err != nil || i < 1 || i > len(ids) {
			continue
		}
		answered++
		switch {
		case r.Status >= 200 && r.Status < 300:
			var u user
			if json.Unmarshal(r.Body, &u) == nil && u.DisplayName != "" && strings.EqualFold(u.ID, ids[i-1]) {
				out[ids[i-1]] = u.DisplayName
			}
		case r.Status == http.StatusNotFound:
			// A deleted user, or one of another tenant: left out.
		default:
			h := http.Header{}
			for k, v := range r.Headers {
				h.Set(k, v)
			}
			e := graphError(upstream.DecodeError(r.Status, h, r.Body))
			if worst == nil || errors.Is(e, flowdeck.ErrForbidden) {
				worst = e
			}
		}
	}
	if worst == nil && answered < len(ids) {
		worst = flowdeck.Errorf(flowdeck.ErrUnavailable, "Microsoft Graph left part of a batch unanswered; try again in a minute.")
	}
	return worst
}

// graphError gives a Graph failure a sentence about Graph (the upstream
// decoder speaks of Power Platform), keeping its kind.
func graphError(err error) error {
	var fe *flowdeck.Error
	if !errors.As(err, &fe) {
		return err
	}
	c := *fe
	switch {
	case errors.Is(err, flowdeck.ErrForbidden):
		c.Message = "FlowDeck may not read the names of people in your organisation: the Microsoft Graph permission User.ReadBasic.All " +
			"has not been granted. Ask your admin to grant FlowDeck admin consent."
		if c.Detail == nil {
			c.Detail = map[string]string{}
		}
		c.Detail[flowdeck.DetailScope] = "User.ReadBasic.All"
	case errors.Is(err, flowdeck.ErrThrottled):
		c.Message = "Microsoft Graph is busy with your requests; try again in a minute."
	case errors.Is(err, flowdeck.ErrNotFound):
		c.Message = "That person was not found in your organisation's directory."
	case errors.Is(err, flowdeck.ErrUnavailable):
		c.Message = "Microsoft Graph is not answering properly right now; try again in a minute."
	default:
		return err
	}
	return &c
}
