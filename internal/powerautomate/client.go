// Package powerautomate is FlowDeck's client of the Power Automate API (the
// Flow RP, api-version 2016-11-01): environments, flows, runs, actions,
// resubmit, cancel, turning flows on and off, and approvals; plus the
// cross-environment overview (failures, flows off, pending approvals) that the
// bot, the tab and the monitor share.
//
// Every method takes ctx first and runs as the principal in ctx: the
// *http.Client comes from package upstream, which attaches the principal's
// token for the registry's audience of the base URL's host. Ids are validated
// before any URL is built, and every path segment is escaped.
package powerautomate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// APIVersion is the Flow RP api-version.
const APIVersion = "2016-11-01"

// providerPath is the Flow RP's path prefix.
const providerPath = "/providers/Microsoft.ProcessSimple"

// MaxPageSize is the largest $top FlowDeck asks for (the service's maximum is unknown).
const MaxPageSize = 50

// maxPages bounds how many pages one listing follows.
const maxPages = 200

// Options configure a Client.
type Options struct {
	// BaseURL is the Flow RP base URL (https://api.flow.microsoft.com).
	BaseURL *url.URL
	// HTTP sends the requests; it must come from upstream.NewClient.
	HTTP *http.Client
	// PageSize is the $top of list calls (default and maximum MaxPageSize).
	PageSize int
	// Content configures the reading of run content links (a failed
	// action's outputs); never through HTTP, which attaches tokens.
	Content ContentOptions
}

// Client calls the Flow RP.
type Client struct {
	base     *url.URL
	http     *http.Client
	pageSize int
	content  *contentReader
}

// New returns a client.
func New(o Options) *Client {
	if o.PageSize <= 0 || o.PageSize > MaxPageSize {
		o.PageSize = MaxPageSize
	}
	b := *o.BaseURL
	b.Path = strings.TrimSuffix(b.Path, "/")
	return &Client{base: &b, http: o.HTTP, pageSize: o.PageSize, content: newContentReader(o.Content)}
}

var (
	guidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	envRE   = regexp.MustCompile(`^(?:Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	runRE   = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)
	trigRE  = regexp.MustCompile(`^[^/\\?#\x00-\x1f]{1,256}$`)
	invalid = func(what, v string) error {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "%q is not a valid %s.", flowdeck.Clip(v, 80), what)
	}
)

// ValidEnvironment checks an environment name: Default-<GUID> or a GUID.
func ValidEnvironment(env string) error {
	if !envRE.MatchString(env) {
		return invalid("environment name", env)
	}
	return nil
}

// ValidFlowID checks a flow id (a GUID).
func ValidFlowID(id string) error {
	if !guidRE.MatchString(id) {
		return invalid("flow id", id)
	}
	return nil
}

// ValidRunID checks a run id ([A-Z0-9]{10,128}).
func ValidRunID(id string) error {
	if !runRE.MatchString(id) {
		return invalid("run id", id)
	}
	return nil
}

func validate(checks ...error) error {
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// endpoint builds base + /providers/Microsoft.ProcessSimple + escaped segments + query.
func (c *Client) endpoint(q url.Values, segments ...string) *url.URL {
	u := *c.base
	raw := providerPath
	plain := providerPath
	for _, s := range segments {
		raw += "/" + url.PathEscape(s)
		plain += "/" + s
	}
	u.Path = c.base.Path + plain
	u.RawPath = c.base.Path + raw
	if q == nil {
		q = url.Values{}
	}
	q.Set("api-version", APIVersion)
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return &u
}

// do sends one request and decodes a JSON answer into out (nil: the body is discarded).
func (c *Client) do(ctx context.Context, method string, u *url.URL, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("powerautomate: encode body: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("powerautomate: request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	if out == nil {
		if err := upstream.CheckResponse(resp); err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return resp.Body.Close()
	}
	return upstream.DecodeJSON(resp, out)
}

// page is a collection answer.
type page[T any] struct {
	Value     []T    `json:"value"`
	NextLink  string `json:"nextLink"`
	ODataNext string `json:"@odata.nextLink"`
}

func (p *page[T]) next() string {
	if p.NextLink != "" {
		return p.NextLink
	}
	return p.ODataNext
}

// getPage fetches one page: from u, or from cursor (a nextLink) when set.
// A cursor is re-pointed at the base host and must stay under u's path.
func getPage[T any](ctx context.Context, c *Client, u *url.URL, cursor string) (page[T], error) {
	var p page[T]
	if cursor != "" {
		nu, err := upstream.NextURL(c.base, cursor)
		if err != nil {
			return p, err
		}
		if nu.Path != u.Path {
			return p, flowdeck.Errorf(flowdeck.ErrInvalid, "That page cursor does not belong to this list.")
		}
		u = nu
	}
	err := c.do(ctx, http.MethodGet, u, nil, &p)
	return p, err
}

// all follows every page from u (at most maxPages) and returns the items.
func all[T any](ctx context.Context, c *Client, u *url.URL) ([]T, error) {
	return allEach[T](ctx, c, u, nil)
}

// allEach is all that also hands each page's items to each, when set, as
// the page arrives (before the next one is asked for).
func allEach[T any](ctx context.Context, c *Client, u *url.URL, each func([]T)) ([]T, error) {
	var out []T
	cursor := ""
	for range maxPages {
		p, err := getPage[T](ctx, c, u, cursor)
		if err != nil {
			return out, err
		}
		if each != nil {
			each(p.Value)
		}
		out = append(out, p.Value...)
		if cursor = p.next(); cursor == "" {
			return out, nil
		}
	}
	return out, nil
}
