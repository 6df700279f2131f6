package entra

import (
	"cmp"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageTemplates = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// consentPage is the data of templates/consent.html.
type consentPage struct {
	Title      string
	TenantName string
	AppName    string
	Action     string
	FlowID     string
	Admin      bool
	FixedUser  *demo.User
	Users      []demo.User
	Items      []consentItem
	// MFA says the sign-in asks for multi-factor authentication.
	MFA bool
}

// consentItem is the permissions requested on one resource.
type consentItem struct {
	Resource string
	res      *Resource
	Scopes   []scopeText
}

type scopeText struct{ Name, Text string }

func (it consentItem) names() []string {
	out := make([]string, 0, len(it.Scopes))
	for _, s := range it.Scopes {
		out = append(out, s.Name)
	}
	return out
}

func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// renderPage renders a template; errors after the header are only logged.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	setPageHeaders(w)
	w.WriteHeader(status)
	if err := pageTemplates.ExecuteTemplate(w, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "entra: render page", "template", name, "err", err)
	}
}

// errorPage shows an AADSTS error as a page (never a redirect).
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, e *aadErr) {
	s.renderPage(w, r, e.status, "error.html", e.Error())
}

// redirectTo answers 302 to base with params added to its query.
func redirectTo(w http.ResponseWriter, r *http.Request, base string, params url.Values) {
	u, err := url.Parse(base)
	if err != nil {
		http.Error(w, "bad redirect uri", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// consentItems parses a scope parameter into per-resource permissions (mu
// held). ".default" expands to what the app requires on the resource; an
// empty list of resource scopes with all=true means every required resource.
func (s *Server) consentItems(app *App, scope string, all bool) ([]consentItem, *aadErr) {
	byRes := map[string]*consentItem{}
	var order []string
	add := func(r *Resource, names ...string) {
		it, ok := byRes[r.ID]
		if !ok {
			it = &consentItem{Resource: r.Name, res: r}
			byRes[r.ID] = it
			order = append(order, r.ID)
		}
		for _, n := range names {
			dup := false
			for _, have := range it.Scopes {
				dup = dup || have.Name == n
			}
			if !dup {
				it.Scopes = append(it.Scopes, scopeText{Name: n, Text: r.Scopes[n]})
			}
		}
	}
	for _, sc := range strings.Fields(scope) {
		if oidcScopes[lower(sc)] {
			continue
		}
		resName, name := strings.TrimSuffix(s.cloud.GraphAudience, "/"), sc
		if i := strings.LastIndex(sc, "/"); i >= 0 {
			resName, name = sc[:i], sc[i+1:]
		}
		r, ok := s.resource(resName)
		if !ok {
			return nil, newErr(http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named %s was not found in the tenant.", resName)
		}
		if name == ".default" {
			rr, ok := app.required(r)
			if !ok {
				return nil, errInvalidResource(app, resName, r)
			}
			add(r, rr.Scopes...)
			continue
		}
		if _, ok := r.Scopes[name]; !ok {
			return nil, errInvalidScope("The provided value for the input parameter 'scope' is not valid. The scope '%s' does not exist on the resource '%s'.", name, r.ID)
		}
		add(r, name)
	}
	if len(order) == 0 && all {
		for _, rr := range app.Required {
			if r, ok := s.resource(rr.Resource); ok && len(rr.Scopes) > 0 {
				add(r, rr.Scopes...)
			}
		}
	}
	out := make([]consentItem, 0, len(order))
	for _, id := range order {
		if len(byRes[id].Scopes) > 0 {
			out = append(out, *byRes[id])
		}
	}
	return out, nil
}

// usersOf returns the users of a tenant ("" = every tenant), sorted by name (mu held).
func (s *Server) usersOf(tenant string) []demo.User {
	var out []demo.User
	for k, u := range s.users {
		if tenant == "" || k.tenant == lower(tenant) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b demo.User) int { return cmp.Compare(a.UPN, b.UPN) })
	return out
}

// userByHint finds a user by UPN or oid within tenant ("" = any) (mu held).
func (s *Server) userByHint(tenant, hint string) (demo.User, bool) {
	for _, u := range s.usersOf(tenant) {
		if strings.EqualFold(u.UPN, hint) || strings.EqualFold(u.ID, hint) {
			return u, true
		}
	}
	return demo.User{}, false
}
