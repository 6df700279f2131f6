package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// InstallPermission is the delegated permission with which FlowDeck installs
// itself in the signed-in user's personal scope, the least privileged one
// (https://learn.microsoft.com/graph/api/userteamwork-post-installedapps,
// "Permissions"). It is optional: FlowDeck never asks users for it, an
// administrator grants it, and the silent token exchanges (".default") carry
// it once granted.
const InstallPermission = "TeamsAppInstallation.ReadWriteSelfForUser"

// ErrAlreadyInstalled is returned by InstallForUser when the app is installed
// for the user already (Graph's 409 Conflict).
var ErrAlreadyInstalled = errors.New("graph: the app is already installed for the user")

// InstallForUser installs the Teams app catalogAppID (the org catalog's
// generated id, not the manifest id) in the personal scope of the signed-in
// user userID: POST /v1.0/users/{id}/teamwork/installedApps with
// {"teamsApp@odata.bind": "<Graph>/v1.0/appCatalogs/teamsApps/{id}"}. Teams
// then sends the bot its install events, as when the user adds the app.
//
// Errors: ErrAlreadyInstalled (wrapped in a flowdeck.ErrConflict) when it is
// installed already; flowdeck.ErrForbidden when the token lacks the
// permission or the app may not install that app; flowdeck.ErrNotFound when
// the catalog has no such app; a Graph failure's kind otherwise.
func (c *Client) InstallForUser(ctx context.Context, userID, catalogAppID string) error {
	if !ValidID(userID) || !ValidID(catalogAppID) {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "FlowDeck can only install itself for a user id and a catalog app id that are GUIDs.")
	}
	bind := c.url("/v1.0/appCatalogs/teamsApps/"+url.PathEscape(catalogAppID), nil)
	body, err := json.Marshal(map[string]string{"teamsApp@odata.bind": bind})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1.0/users/"+url.PathEscape(userID)+"/teamwork/installedApps", nil), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	err = c.post(req)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flowdeck.ErrConflict):
		return flowdeck.Wrap(flowdeck.ErrConflict, ErrAlreadyInstalled, "FlowDeck is installed for you already.")
	case errors.Is(err, flowdeck.ErrForbidden):
		return flowdeck.Wrap(flowdeck.ErrForbidden, err, "FlowDeck may not add itself to your Teams: the Microsoft Graph permission "+InstallPermission+
			" has not been granted. Open FlowDeck's chat from the link instead.")
	case errors.Is(err, flowdeck.ErrNotFound):
		return flowdeck.Wrap(flowdeck.ErrNotFound, err, "FlowDeck is not in your organisation's Teams app catalog under the configured id; ask your administrator to run 'flowdeck doctor'.")
	}
	return graphError(err)
}

// post sends a request whose success answer has no body (201, 204).
func (c *Client) post(req *http.Request) error { return c.postWith(c.http, req) }

// postWith is post through hc.
func (c *Client) postWith(hc *http.Client, req *http.Request) error {
	resp, err := hc.Do(req)
	if err != nil {
		var fe *flowdeck.Error
		if errors.As(err, &fe) {
			return err
		}
		return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "Microsoft Graph is not answering; try again in a minute.")
	}
	if err := upstream.CheckResponse(resp); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.Body.Close()
}
