// Package graph is FlowDeck's Microsoft Graph client: the signed-in user's
// profile, and display names for the owner ids that Power Platform answers
// carry. It takes the Graph token, which the upstream transport picks from
// the audience registry by host; this package never names an audience.
package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// MaxIDsPerCall is Graph's limit for directoryObjects/getByIds.
const MaxIDsPerCall = 1000

// Options configure a Client.
type Options struct {
	// BaseURL is Graph's base (https://graph.microsoft.com); paths add /v1.0.
	BaseURL *url.URL
	// HTTP must come from upstream.NewClient.
	HTTP *http.Client
}

// Client calls Microsoft Graph as the principal in each call's context.
type Client struct {
	base *url.URL
	http *http.Client
}

// New returns a client.
func New(o Options) *Client { return &Client{base: o.BaseURL, http: o.HTTP} }

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

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// DisplayNames returns the display names of the given user object ids, asked
// in batches of MaxIDsPerCall. Ids Graph does not know (deleted users, other
// tenants) are absent from the answer. It needs User.ReadBasic.All: without
// it Graph answers 403 and the error is of kind flowdeck.ErrForbidden, which
// callers treat as "show the ids as they are".
func (c *Client) DisplayNames(ctx context.Context, ids []string) (map[string]string, error) {
	seen := map[string]bool{}
	var want []string
	for _, id := range ids {
		id = strings.ToLower(id)
		if guidRE.MatchString(id) && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	out := make(map[string]string, len(want))
	for len(want) > 0 {
		n := min(len(want), MaxIDsPerCall)
		body, _ := json.Marshal(map[string][]string{"ids": want[:n], "types": {"user"}})
		want = want[n:]
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1.0/directoryObjects/getByIds", nil), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		var page struct {
			Value []user `json:"value"`
		}
		if err := c.do(req, &page); err != nil {
			return nil, err
		}
		for _, u := range page.Value {
			if u.ID != "" && u.DisplayName != "" {
				out[strings.ToLower(u.ID)] = u.DisplayName
			}
		}
	}
	return out, nil
}
