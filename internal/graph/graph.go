// Package graph is FlowDeck's Microsoft Graph client: the signed-in user's
// profile, and display names for the owner and requester ids that Power
// Platform answers carry (Names: cached per tenant, concurrent look-ups of an
// id shared). It takes the Graph token, which the upstream transport picks
// from the audience registry by host; this package never names an audience.
//
// Names are read with the least privilege that works for delegated calls:
// User.ReadBasic.All, through GET /users/{id} and POST /$batch — never
// directoryObjects/getByIds, which needs Directory.Read.All.
package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// Options configure a Client.
type Options struct {
	// BaseURL is Graph's base (https://graph.microsoft.com); paths add /v1.0.
	BaseURL *url.URL
	// HTTP must come from upstream.NewClient.
	HTTP *http.Client
	// AppTokens gives app-only Graph tokens per tenant for the calls FlowDeck
	// makes as itself (SendActivity); nil leaves those calls ErrMisconfigured.
	AppTokens AppTokens
	// AppHTTP is a plain outbound client (no delegated token transport) for
	// those calls; default http.DefaultClient.
	AppHTTP *http.Client
}

// AppTokens hands out app-only (client credentials) Graph tokens for a
// tenant; identity.TenantAppTokens is the implementation.
type AppTokens interface {
	Token(ctx context.Context, tenantID string) (string, error)
}

// Client calls Microsoft Graph as the principal in each call's context, or
// as FlowDeck itself (app-only) where a call says so.
type Client struct {
	base    *url.URL
	http    *http.Client
	app     AppTokens
	appHTTP *http.Client
}

// New returns a client.
func New(o Options) *Client {
	ah := o.AppHTTP
	if ah == nil {
		ah = http.DefaultClient
	}
	return &Client{base: o.BaseURL, http: o.HTTP, app: o.AppTokens, appHTTP: ah}
}

type user struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
	JobTitle          string `json:"jobTitle"`
}

func (u user) profile() flowdeck.Profile {
	return flowdeck.Profile{ID: u.ID, DisplayName: u.DisplayName, UPN: u.UserPrincipalName, Mail: u.Mail, JobTitle: u.JobTitle}
}

func (c *Client) url(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimSuffix(c.base.Path, "/") + path
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		var fe *flowdeck.Error
		if errors.As(err, &fe) {
			return err
		}
		return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "Microsoft Graph is not answering; try again in a minute.")
	}
	return upstream.DecodeJSON(resp, v)
}

// Me returns the signed-in user's profile (delegated User.Read).
func (c *Client) Me(ctx context.Context) (flowdeck.Profile, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		c.url("/v1.0/me", url.Values{"$select": {"id,displayName,userPrincipalName,mail,jobTitle"}}), nil)
	if err != nil {
		return flowdeck.Profile{}, err
	}
	var u user
	if err := c.do(req, &u); err != nil {
		return flowdeck.Profile{}, err
	}
	if u.ID == "" {
		return flowdeck.Profile{}, flowdeck.Errorf(flowdeck.ErrUnavailable, "Microsoft Graph answered without a profile; try again in a minute.")
	}
	return u.profile(), nil
}
