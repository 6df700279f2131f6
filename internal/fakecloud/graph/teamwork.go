package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// CatalogApp is an app of the organisation's Teams app catalog, as
// appCatalogs/teamsApps lists it: its generated catalog id (what
// installedApps binds to), its externalId (the manifest's id) and the Entra
// client id of its bot and webApplicationInfo, which is the app that may
// install itself with the "Self" permissions.
type CatalogApp struct {
	// ID is the catalog's generated id (not the manifest id).
	ID string
	// ExternalID is the manifest's id.
	ExternalID string
	// DisplayName is the app's name.
	DisplayName string
	// ClientID is the Entra application id of the app's bot and webApplicationInfo.
	ClientID string
	// ActivityTypes are the manifest's activities.activityTypes: each type's templateText.
	ActivityTypes map[string]string
}

// installScopes are the delegated permissions that let the signed-in user's
// app install itself for them; the least privileged is
// TeamsAppInstallation.ReadWriteSelfForUser
// (https://learn.microsoft.com/graph/api/userteamwork-post-installedapps, "Permissions").
var installScopes = []string{
	"TeamsAppInstallation.ReadWriteSelfForUser", "TeamsAppInstallation.ManageSelectedForUser",
	"TeamsAppInstallation.ReadWriteAndConsentForUser", "TeamsAppInstallation.ReadWriteAndConsentSelfForUser",
	"TeamsAppInstallation.ReadWriteForUser", "TeamsAppInstallation.ReadWriteSelectedForUser",
}

// selfOnly are the permissions of installScopes that allow an app to manage
// itself only; "AAD App Id '…' is not allowed to manage the Teams App '…'"
// answers any other (microsoftgraph/microsoft-graph-docs-contrib#478).
var selfOnly = []string{"TeamsAppInstallation.ReadWriteSelfForUser", "TeamsAppInstallation.ReadWriteAndConsentSelfForUser"}

// othersToo are the permissions of installScopes that are not selfOnly.
func othersToo() []string {
	return slices.DeleteFunc(slices.Clone(installScopes), func(sc string) bool { return slices.Contains(selfOnly, sc) })
}

// installation is one app installed in a user's personal scope.
type installation struct {
	id, catalogID string
}

// InstallHook is what Teams does after an app is installed for a user: the
// local cloud sends the bot the installationUpdate and conversationUpdate
// activities Teams sends (connector.Driver.Install).
// The user is the directory's (a user the fake does not know has only its
// tenant and id).
type InstallHook func(ctx context.Context, u demo.User, app CatalogApp) error

// AddCatalogApp publishes an app in the tenant's catalog.
func (s *Server) AddCatalogApp(a CatalogApp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.catalog == nil {
		s.catalog = map[string]CatalogApp{}
	}
	s.catalog[strings.ToLower(a.ID)] = a
}

// OnInstall sets what happens after an app is installed for a user (nil: nothing).
func (s *Server) OnInstall(h InstallHook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onInstall = h
}

// Installed reports whether the catalog app is installed in the user's personal scope.
func (s *Server) Installed(userID, catalogID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.installedLocked(userID, catalogID) != nil
}

func (s *Server) installedLocked(userID, catalogID string) *installation {
	for _, in := range s.installs[strings.ToLower(userID)] {
		if strings.EqualFold(in.catalogID, catalogID) {
			return &in
		}
	}
	return nil
}

// MarkInstalled records that the catalog app is installed for the user, as
// when the user added it in Teams; installed already, nothing changes.
func (s *Server) MarkInstalled(userID, catalogID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.installedLocked(userID, catalogID) != nil {
		return
	}
	if s.installs == nil {
		s.installs = map[string][]installation{}
	}
	s.installs[strings.ToLower(userID)] = append(s.installs[strings.ToLower(userID)], installation{id: uuid.NewString(), catalogID: catalogID})
}

// Installs returns how many install requests (POST installedApps) reached
// the fake, whatever the answer.
func (s *Server) Installs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls["install"]
}

// missingScope is the 403 of Teams' Graph APIs for a delegated token without
// the permission: code Forbidden, "Missing scope permissions on the request.
// API requires one of '…'. Scopes on the request '…'" (as quoted in
// Softeria/ms-365-mcp-server#65).
func missingScope(need, have []string) *answer {
	return errAnswer(http.StatusForbidden, "Forbidden", fmt.Sprintf("Missing scope permissions on the request. API requires one of '%s'. Scopes on the request '%s'",
		strings.Join(need, ", "), strings.Join(have, ", ")))
}

// targetUser resolves {id} of /users/{id}/… (or /me) to the caller: the
// delegated "ForUser" permissions act for the signed-in user only, so any
// other user is refused 403 (the stricter reading; unverified).
func (s *Server) targetUser(c caller, r *http.Request) (string, *answer) {
	id := r.PathValue("id")
	if id == "" || strings.EqualFold(id, c.oid) {
		return c.oid, nil
	}
	if u, ok := s.users[c.oid]; ok && strings.EqualFold(id, u.UPN) {
		return c.oid, nil
	}
	return "", errAnswer(http.StatusForbidden, "Forbidden", "The signed-in user may manage the apps of their own personal scope only.")
}

// handleInstall is POST /v1.0/users/{id}/teamwork/installedApps (and /me/…):
// body {"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{id}"};
// 201 Created with no body (https://learn.microsoft.com/graph/api/userteamwork-post-installedapps,
// "Response"). An app installed already is 409 Conflict, as Graph answers for
// teams (microsoftgraph/microsoft-graph-docs-contrib#3686; for the personal
// scope unverified, the stricter reading); an unknown catalog id is 404
// (unverified: code and text).
func (s *Server) handleInstall(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.calls["install"]++
	s.mu.Unlock()
	if !c.has(installScopes...) {
		writeAnswer(w, missingScope(installScopes, c.scopes))
		return
	}
	user, a := s.targetUser(c, r)
	if a != nil {
		writeAnswer(w, a)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "Invalid request body.")
		return
	}
	bind, _ := body["teamsApp@odata.bind"].(string)
	_, catalogID, found := strings.Cut(bind, "/v1.0/appCatalogs/teamsApps/")
	if !found || catalogID == "" || strings.Contains(catalogID, "/") {
		writeError(w, http.StatusBadRequest, "BadRequest", "The teamsApp@odata.bind property must bind to appCatalogs/teamsApps/{id}.")
		return
	}
	s.mu.Lock()
	app, known := s.catalog[strings.ToLower(catalogID)]
	hook := s.onInstall
	s.mu.Unlock()
	if !known {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("The app '%s' was not found in the app catalog.", catalogID))
		return
	}
	if !c.has(othersToo()...) && !strings.EqualFold(app.ClientID, c.app) {
		writeError(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("AAD App Id '%s' is not allowed to manage the Teams App '%s'", c.app, app.ID))
		return
	}
	s.mu.Lock()
	if s.installedLocked(user, app.ID) != nil {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "Conflict", "The app is already installed in the user's personal scope.")
		return
	}
	if s.installs == nil {
		s.installs = map[string][]installation{}
	}
	s.installs[strings.ToLower(user)] = append(s.installs[strings.ToLower(user)], installation{id: uuid.NewString(), catalogID: app.ID})
	s.mu.Unlock()
	// Teams then sends the bot its install events. The fake does it before
	// answering, so that a test sees them as soon as the install returns.
	if hook != nil {
		u, known := s.users[user]
		if !known {
			u = demo.User{ID: user, TenantID: c.tenant}
		}
		if err := hook(r.Context(), u, app); err != nil {
			s.opts.Logger.Warn("graph: install events", "err", err)
		}
	}
	w.Header().Set("request-id", uuid.NewString())
	w.WriteHeader(http.StatusCreated)
}
