package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// feedScopes are the delegated permissions of sendActivityNotification: only
// TeamsActivity.Send ("Higher privileged permissions: Not available";
// https://learn.microsoft.com/graph/api/userteamwork-sendactivitynotification).
var feedScopes = []string{"TeamsActivity.Send"}

// feedRole is the Application permission of sendActivityNotification
// (same page, "Permissions": Application TeamsActivity.Send). An app-only
// token carries it in roles; its tid must be the recipient's tenant. The
// 403 text for a token without it is unverified.
const feedRole = "TeamsActivity.Send"

// maxWebURL: a topic webUrl longer than 1024 characters is refused 400
// BadRequest "UnknownError" (Microsoft Tech Community, "Activity Feed
// Notifications Fail Due to WebUrl Length Limit"; undocumented).
const maxWebURL = 1024

// FeedNotification is one activity-feed notification the fake accepted.
type FeedNotification struct {
	// TenantID and UserID are the recipient's; SenderID the signed-in user's
	// (empty for an app-only token); AppID the calling app's client id.
	TenantID, UserID, SenderID string
	AppID                      string
	ActivityType               string
	TopicSource, Topic, WebURL string
	Preview                    string
	Parameters                 map[string]string
}

// Feed returns the notifications sent to a user, oldest first.
func (s *Server) Feed(userID string) []FeedNotification {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []FeedNotification
	for _, n := range s.feed {
		if strings.EqualFold(n.UserID, userID) {
			out = append(out, n)
		}
	}
	return out
}

var templateParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// handleActivity is POST /v1.0/users/{id}/teamwork/sendActivityNotification:
// 204 No Content; the body's activityType must be declared in the calling
// app's manifest (or be systemDefault), its topic a text with a webUrl (or an
// entityUrl of a Graph resource), its templateParameters must fill the
// template; the app must be installed for the recipient
// (https://learn.microsoft.com/graph/api/userteamwork-sendactivitynotification,
// "Request body", "Response"; https://learn.microsoft.com/graph/teams-send-activityfeednotifications,
// "Requirements"). The codes and texts of the 400 and 404 answers are unverified.
func (s *Server) handleActivity(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticateAs(w, r, true)
	if !ok {
		return
	}
	switch {
	case c.appOnly() && !slices.Contains(c.roles, feedRole):
		writeError(w, http.StatusForbidden, "Forbidden", "Missing role permissions on the request. API requires one of '"+feedRole+"'.")
		return
	case !c.appOnly() && !c.has(feedScopes...):
		writeAnswer(w, missingScope(feedScopes, c.scopes))
		return
	case !c.appOnly() && strings.EqualFold(c.oid, r.PathValue("id")):
		// Teams does not deliver a notification whose sender is its
		// recipient: "ensure that the recipient of the notification is not
		// the same as the sender"; sending to oneself is "currently not
		// possible" (Microsoft Tech Community, "Send notification for user",
		// https://techcommunity.microsoft.com/discussions/teamsdeveloper/send-notification-for-user/3870027,
		// replies 3870687 and 3916452). Graph's status and text for it are
		// unverified: the fake takes the stricter reading, a 403 Forbidden,
		// rather than a 204 for a notification nobody sees.
		writeError(w, http.StatusForbidden, "Forbidden", "The sender of an activity feed notification cannot be its recipient.")
		return
	}
	var body struct {
		Topic struct {
			Source string `json:"source"`
			Value  string `json:"value"`
			WebURL string `json:"webUrl"`
		} `json:"topic"`
		ActivityType string `json:"activityType"`
		PreviewText  struct {
			Content string `json:"content"`
		} `json:"previewText"`
		TemplateParameters []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"templateParameters"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "Invalid request body.")
		return
	}
	user := r.PathValue("id")
	s.mu.Lock()
	recipient, known := s.users[strings.ToLower(user)]
	var app *CatalogApp
	for _, a := range s.catalog {
		if strings.EqualFold(a.ClientID, c.app) {
			app = &a
			break
		}
	}
	installed := known && app != nil && s.installedLocked(recipient.ID, app.ID) != nil
	s.mu.Unlock()
	if !known || recipient.TenantID != c.tenant {
		writeAnswer(w, notFound(user))
		return
	}
	if !installed {
		writeError(w, http.StatusNotFound, "NotFound", "The app is not installed for the recipient user.")
		return
	}
	template, declared := app.ActivityTypes[body.ActivityType]
	if !declared && body.ActivityType != "systemDefault" {
		writeError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Activity type '%s' is not declared in the app manifest.", body.ActivityType))
		return
	}
	params := map[string]string{}
	for _, p := range body.TemplateParameters {
		params[p.Name] = p.Value
	}
	for _, m := range templateParam.FindAllStringSubmatch(template, -1) {
		if _, ok := params[m[1]]; !ok {
			writeError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Template parameter '%s' is missing.", m[1]))
			return
		}
	}
	if a := s.checkTopic(body.Topic.Source, body.Topic.Value, body.Topic.WebURL); a != nil {
		writeAnswer(w, a)
		return
	}
	s.mu.Lock()
	s.feed = append(s.feed, FeedNotification{TenantID: c.tenant, UserID: recipient.ID, SenderID: senderOf(c), AppID: c.app, ActivityType: body.ActivityType,
		TopicSource: body.Topic.Source, Topic: body.Topic.Value, WebURL: body.Topic.WebURL, Preview: body.PreviewText.Content, Parameters: params})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// checkTopic: a text topic needs its value and a webUrl that is a Teams deep
// link (https on the cloud's Teams host; teamworkActivityTopic "webUrl": "the
// deep link … when source is text"), at most maxWebURL long; an entityUrl
// topic is a Graph URL.
func (s *Server) checkTopic(source, value, webURL string) *answer {
	switch source {
	case "text":
		cl, _ := cloud.Get(s.opts.Cloud)
		if value == "" || !strings.HasPrefix(webURL, "https://"+cl.TeamsHost+"/l/") {
			return errAnswer(http.StatusBadRequest, "BadRequest", "A text topic needs a value and a webUrl that is a Teams deep link.")
		}
		if len(webURL) > maxWebURL {
			return errAnswer(http.StatusBadRequest, "BadRequest", "UnknownError")
		}
	case "entityUrl":
		if !strings.HasPrefix(value, "https://graph.microsoft.com/") {
			return errAnswer(http.StatusBadRequest, "BadRequest", "An entityUrl topic must name a Microsoft Graph resource.")
		}
	default:
		return errAnswer(http.StatusBadRequest, "BadRequest", "The topic source must be entityUrl or text.")
	}
	return nil
}

// senderOf is the notification's sending user: none for an app-only token
// (whose oid is the service principal's).
func senderOf(c caller) string {
	if c.appOnly() {
		return ""
	}
	return c.oid
}
