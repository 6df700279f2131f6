package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Delegated permissions that read other users: User.ReadBasic.All reads their
// basic profile only; User.Read.All and Directory.Read.All the full one
// (https://learn.microsoft.com/graph/permissions-reference, User.ReadBasic.All;
// https://learn.microsoft.com/graph/api/user-get, "Permissions").
var (
	readOthers = []string{"User.ReadBasic.All", "User.Read.All", "Directory.Read.All"}
	readFull   = []string{"User.Read.All", "Directory.Read.All"}
)

// basicProps are the properties User.ReadBasic.All may read: "display name,
// first and last name, email address, open extensions, and photo"
// (https://learn.microsoft.com/graph/permissions-reference#userreadbasicall);
// id and userPrincipalName are returned with them (unverified; strictest set kept).
var basicProps = []string{"id", "displayName", "givenName", "surname", "mail", "userPrincipalName"}

// userProps are every property this fake knows of a user.
var userProps = []string{"id", "displayName", "givenName", "surname", "userPrincipalName", "mail", "jobTitle", "businessPhones", "preferredLanguage"}

// profile is the JSON of a Graph user.
type profile struct {
	ID                string   `json:"id"`
	DisplayName       string   `json:"displayName"`
	GivenName         string   `json:"givenName"`
	Surname           string   `json:"surname"`
	UserPrincipalName string   `json:"userPrincipalName"`
	Mail              string   `json:"mail"`
	JobTitle          string   `json:"jobTitle"`
	BusinessPhones    []string `json:"businessPhones"`
	PreferredLanguage string   `json:"preferredLanguage"`
}

func toProfile(u demo.User) profile {
	given, sur, _ := strings.Cut(u.Name, " ")
	return profile{ID: u.ID, DisplayName: u.Name, GivenName: given, Surname: sur, UserPrincipalName: u.UPN,
		Mail: u.UPN, JobTitle: u.JobTitle, BusinessPhones: []string{}, PreferredLanguage: "en-US"}
}

// selectProps renders p with only the properties named in $select (all when
// absent), within allowed. An unknown property is Graph's 400.
func selectProps(p profile, sel string, allowed []string) (map[string]any, *answer) {
	var full map[string]any
	b, _ := json.Marshal(p)
	json.Unmarshal(b, &full)
	want := allowed
	if sel != "" {
		want = nil
		for _, f := range strings.Split(sel, ",") {
			f = strings.TrimSpace(f)
			// Graph's answer to an unknown $select property (OData): 400 BadRequest. unverified: exact message.
			if !slices.Contains(userProps, f) {
				return nil, errAnswer(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.user'.", f))
			}
			want = append(want, f)
		}
	}
	out := map[string]any{}
	for _, f := range want {
		if slices.Contains(allowed, f) {
			out[f] = full[f]
		}
	}
	out["id"] = p.ID
	return out, nil
}

// answer is a status and a JSON body, for a request or a request in a batch.
type answer struct {
	status int
	body   any
}

func errAnswer(status int, code, message string) *answer {
	return &answer{status, errorBody(code, message)}
}

// denied is Graph's 403 for a token without the permission: code
// Authorization_RequestDenied, "Insufficient privileges to complete the
// operation." (as quoted in https://learn.microsoft.com/answers/questions/6019739).
func denied() *answer {
	return errAnswer(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// notFound is Graph's 404 for an unknown object id (the message as in
// microsoftgraph/microsoft-graph-docs-contrib#7618).
func notFound(id string) *answer {
	return errAnswer(http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
}

// unavailable is Graph's answer in an outage: 503 (https://learn.microsoft.com/graph/errors,
// "HTTP status codes"); unverified: the code text.
func unavailable() *answer {
	return errAnswer(http.StatusServiceUnavailable, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.")
}

func (s *Server) down() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unavailable
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	// /me needs User.Read, or any permission that reads users (user-get, "Permissions").
	if !c.has(append([]string{"User.Read"}, readOthers...)...) {
		writeAnswer(w, denied())
		return
	}
	u, found := s.users[c.oid]
	if !found || u.TenantID != c.tenant {
		writeAnswer(w, notFound(c.oid))
		return
	}
	body, a := selectProps(toProfile(u), r.URL.Query().Get("$select"), userProps)
	if a != nil {
		writeAnswer(w, a)
		return
	}
	body["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users/$entity"
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	writeAnswer(w, s.user(c, r.PathValue("id"), r.URL.Query()))
}

// user answers GET /users/{id}. Reading any user by id, the signed-in one
// included, needs a permission that reads other users: User.Read covers /me
// only (strictest reading; unverified for /users/{own id}). With
// User.ReadBasic.All only the basic properties come back.
func (s *Server) user(c caller, id string, q url.Values) *answer {
	s.mu.Lock()
	s.lookups++
	hold, arrived := s.hold, s.arrived
	s.mu.Unlock()
	if hold != nil {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-hold
	}
	if !c.has(readOthers...) {
		return denied()
	}
	if s.down() {
		return unavailable()
	}
	u, found := s.users[id]
	if !found {
		u, found = s.users[strings.ToLower(id)]
	}
	// A user of another tenant is not in this directory: 404 as for an unknown id.
	if !found || u.TenantID != c.tenant {
		return notFound(id)
	}
	allowed := basicProps
	if c.has(readFull...) {
		allowed = userProps
	}
	body, a := selectProps(toProfile(u), q.Get("$select"), allowed)
	if a != nil {
		return a
	}
	body["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users(" + strings.Join(mapKeys(body), ",") + ")/$entity"
	return &answer{http.StatusOK, body}
}

func mapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// handleGetByIDs is POST /v1.0/directoryObjects/getByIds. Its least
// privileged delegated permission is Directory.Read.All, with no other
// (https://learn.microsoft.com/graph/api/directoryobject-getbyids,
// "Permissions"): User.ReadBasic.All and User.Read.All are refused. At most
// 1,000 ids; unknown ids are left out of the answer.
func (s *Server) handleGetByIDs(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !c.has("Directory.Read.All") {
		writeAnswer(w, denied())
		return
	}
	if s.down() {
		writeAnswer(w, unavailable())
		return
	}
	var body struct {
		IDs   []string `json:"ids"`
		Types []string `json:"types"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeAnswer(w, errAnswer(http.StatusBadRequest, "Request_BadRequest", "Invalid request body."))
		return
	}
	// "You can specify up to 1000 IDs" (directoryobject-getbyids, "Request body").
	if len(body.IDs) == 0 || len(body.IDs) > 1000 {
		writeAnswer(w, errAnswer(http.StatusBadRequest, "Request_BadRequest", "The number of ids must be between 1 and 1000."))
		return
	}
	out := []map[string]any{}
	for _, id := range body.IDs {
		if u, found := s.users[id]; found && u.TenantID == c.tenant {
			m, _ := selectProps(toProfile(u), "", userProps)
			m["@odata.type"] = "#microsoft.graph.user"
			out = append(out, m)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects", "value": out})
}
