package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// FeedPermission is the Microsoft Graph APPLICATION permission FlowDeck
// sends activity-feed notifications with
// (https://learn.microsoft.com/graph/api/userteamwork-sendactivitynotification,
// "Permissions": Application TeamsActivity.Send). Not the delegated one: the
// sender would be the recipient, and Teams does not deliver a notification
// whose sender is its recipient (Microsoft Tech Community,
// https://techcommunity.microsoft.com/discussions/teamsdeveloper/send-notification-for-user/3870027).
// Like InstallPermission it is optional: an administrator grants it (admin
// consent), and without it alerts arrive in the chat only.
const FeedPermission = "TeamsActivity.Send"

type activityBody struct {
	Topic              activityTopic  `json:"topic"`
	ActivityType       string         `json:"activityType"`
	PreviewText        itemBody       `json:"previewText"`
	TemplateParameters []keyValuePair `json:"templateParameters"`
}

type activityTopic struct {
	Source string `json:"source"`
	Value  string `json:"value"`
	WebURL string `json:"webUrl"`
}

type itemBody struct {
	Content string `json:"content"`
}

type keyValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SendActivity sends n to the activity feed of userID, of tenant tenantID,
// as FlowDeck itself: an app-only Graph token for that tenant (the
// application permission TeamsActivity.Send), sent with the plain outbound
// client, never the user's delegated token. POST
// /v1.0/users/{id}/teamwork/sendActivityNotification with a text topic whose
// webUrl is the Teams deep link into the tab; 204 No Content. FlowDeck must
// be installed for the user (its personal chat exists).
//
// Errors: flowdeck.ErrForbidden when the administrator has not granted the
// application permission TeamsActivity.Send; flowdeck.ErrNotFound when the
// app is not installed for the user; the token's failure kind; a Graph
// failure's kind otherwise.
func (c *Client) SendActivity(ctx context.Context, tenantID, userID string, n flowdeck.FeedNotification) error {
	if !ValidID(userID) || !ValidID(tenantID) {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "FlowDeck can only notify a user and tenant whose ids are GUIDs.")
	}
	if c.app == nil {
		return flowdeck.Errorf(flowdeck.ErrMisconfigured, "FlowDeck has no app-only Microsoft Graph token to post to the activity feed with.")
	}
	b := activityBody{
		Topic:        activityTopic{Source: "text", Value: flowdeck.Clip(n.Topic, 200), WebURL: n.WebURL},
		ActivityType: n.ActivityType,
		PreviewText:  itemBody{Content: flowdeck.Clip(n.Preview, 150)},
	}
	for _, p := range n.Parameters {
		b.TemplateParameters = append(b.TemplateParameters, keyValuePair{Name: p.Name, Value: p.Value})
	}
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1.0/users/"+url.PathEscape(userID)+"/teamwork/sendActivityNotification", nil), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	tok, err := c.app.Token(ctx, tenantID)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	err = c.postWith(c.appHTTP, req)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flowdeck.ErrForbidden):
		return flowdeck.Wrap(flowdeck.ErrForbidden, err, "FlowDeck may not post to your Teams activity feed: the administrator has not granted the Microsoft Graph application permission "+FeedPermission+
			" (admin consent). Your alerts arrive in FlowDeck's chat instead.")
	case errors.Is(err, flowdeck.ErrNotFound):
		return flowdeck.Wrap(flowdeck.ErrNotFound, err, "FlowDeck is not installed for you in Teams, so it cannot post to your activity feed.")
	}
	return graphError(err)
}
