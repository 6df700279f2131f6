// Package powerapps is FlowDeck's client of the Power Apps RP
// (api.powerapps.com: apps, connections) and of BAP (api.bap.microsoft.com:
// environments). Both take the Power Apps token, which the upstream
// transport picks from the registry by host; this package never names an
// audience.
package powerapps

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// API versions used.
const (
	AppsAPIVersion = "2016-11-01"
	BAPAPIVersion  = "2020-10-01"
)

const maxPages = 100

// Options configure a Client.
type Options struct {
	// BaseURL is the Power Apps RP (https://api.powerapps.com); BAPURL is BAP
	// (https://api.bap.microsoft.com).
	BaseURL, BAPURL *url.URL
	// HTTP must come from upstream.NewClient.
	HTTP *http.Client
}

// Client calls the Power Apps RP and BAP.
type Client struct {
	base, bap *url.URL
	http      *http.Client
}

// New returns a client.
func New(o Options) *Client { return &Client{base: o.BaseURL, bap: o.BAPURL, http: o.HTTP} }

var envRE = regexp.MustCompile(`^(?:Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func validEnv(env string) error {
	if !envRE.MatchString(env) {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "That is not a valid environment name.")
	}
	return nil
}

type wtime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler; bad or empty values are zero.
func (t *wtime) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if v, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
		t.Time = v.UTC()
	}
	return nil
}

type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"nextLink"`
}

// list follows every page of base+path?q.
func list[T any](ctx context.Context, c *Client, base *url.URL, path string, q url.Values) ([]T, error) {
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + path
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	var out []T
	for range maxPages {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, err
		}
		var p page[T]
		if err := upstream.DecodeJSON(resp, &p); err != nil {
			return nil, err
		}
		out = append(out, p.Value...)
		if p.NextLink == "" {
			break
		}
		next, err := upstream.NextURL(base, p.NextLink)
		if err != nil {
			return nil, err
		}
		u = *next
	}
	return out, nil
}

type wireEnv struct {
	Name       string `json:"name"`
	Location   string `json:"location"`
	Properties struct {
		DisplayName    string `json:"displayName"`
		IsDefault      bool   `json:"isDefault"`
		EnvironmentSku string `json:"environmentSku"`
	} `json:"properties"`
}

// Environments lists the environments the user can see, through BAP (E1b).
func (c *Client) Environments(ctx context.Context) ([]flowdeck.Environment, error) {
	ws, err := list[wireEnv](ctx, c, c.bap, "/providers/Microsoft.BusinessAppPlatform/environments", url.Values{"api-version": {BAPAPIVersion}})
	if err != nil {
		return nil, err
	}
	out := make([]flowdeck.Environment, len(ws))
	for i, w := range ws {
		out[i] = flowdeck.Environment{ID: w.Name, DisplayName: w.Properties.DisplayName, Location: w.Location,
			IsDefault: w.Properties.IsDefault, SKU: w.Properties.EnvironmentSku}
	}
	return out, nil
}

type wirePerson struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
}

type wireApp struct {
	Name       string `json:"name"`
	Properties struct {
		DisplayName      string     `json:"displayName"`
		Owner            wirePerson `json:"owner"`
		LastModifiedTime wtime      `json:"lastModifiedTime"`
		AppOpenURI       string     `json:"appOpenUri"`
		Environment      struct {
			Name string `json:"name"`
		} `json:"environment"`
	} `json:"properties"`
}

// Apps lists the canvas apps of env the user can use or edit (E18).
func (c *Client) Apps(ctx context.Context, env string) ([]flowdeck.App, error) {
	if err := validEnv(env); err != nil {
		return nil, err
	}
	q := url.Values{"api-version": {AppsAPIVersion}, "$filter": {"environment eq '" + env + "'"}, "$top": {"250"}}
	ws, err := list[wireApp](ctx, c, c.base, "/providers/Microsoft.PowerApps/apps", q)
	if err != nil {
		return nil, err
	}
	out := make([]flowdeck.App, len(ws))
	for i, w := range ws {
		p := w.Properties
		out[i] = flowdeck.App{EnvironmentID: env, ID: w.Name, DisplayName: p.DisplayName,
			Owner:      flowdeck.Person{ID: p.Owner.ID, Name: p.Owner.DisplayName, Email: p.Owner.Email},
			ModifiedAt: p.LastModifiedTime.Time, Link: p.AppOpenURI}
	}
	return out, nil
}

type wireConnection struct {
	Name       string `json:"name"`
	Properties struct {
		APIID       string `json:"apiId"`
		DisplayName string `json:"displayName"`
		Statuses    []struct {
			Status string `json:"status"`
			Error  *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"statuses"`
		CreatedTime wtime `json:"createdTime"`
	} `json:"properties"`
}

// Connections lists the user's connections in env with their status and
// error (E19); the per-flow shared_logicflows connections are left out.
func (c *Client) Connections(ctx context.Context, env string) ([]flowdeck.Connection, error) {
	if err := validEnv(env); err != nil {
		return nil, err
	}
	q := url.Values{"api-version": {AppsAPIVersion}, "$filter": {"environment eq '" + env + "'"}}
	ws, err := list[wireConnection](ctx, c, c.base, "/providers/Microsoft.PowerApps/connections", q)
	if err != nil {
		return nil, err
	}
	out := make([]flowdeck.Connection, 0, len(ws))
	for _, w := range ws {
		p := w.Properties
		api := p.APIID[strings.LastIndex(p.APIID, "/")+1:]
		if api == "shared_logicflows" {
			continue
		}
		cn := flowdeck.Connection{EnvironmentID: env, ID: w.Name, DisplayName: p.DisplayName, API: api, CreatedAt: p.CreatedTime.Time}
		if len(p.Statuses) > 0 {
			cn.Status = p.Statuses[0].Status
			if e := p.Statuses[0].Error; e != nil {
				cn.ErrorCode, cn.ErrorMessage = e.Code, e.Message
			}
		}
		out = append(out, cn)
	}
	return out, nil
}
