package identity

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"
)

//go:embed consent_end.js
var endScript []byte

// pageTemplate is the page /auth/start and /auth/end answer with. It has no
// inline script: the outcome travels in data attributes that end.js reads.
var pageTemplate = template.Must(template.New("auth").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>FlowDeck — {{.Title}}</title>
<script src="{{.TeamsJS}}"{{if .Integrity}} integrity="{{.Integrity}}" crossorigin="anonymous"{{end}} defer></script>
<script src="{{.Script}}" defer></script>
</head>
<body data-outcome="{{.Outcome}}" data-result="{{.Result}}">
<main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{if .AdminURL}}<p>Send this to your Microsoft 365 administrator:</p>
<pre style="white-space:pre-wrap">{{.AdminRequest}}</pre>
<p><a href="{{.AdminURL}}" target="_blank" rel="noopener noreferrer">Admin consent link</a></p>{{end}}
</main>
</body>
</html>
`))

// pageData fills pageTemplate.
type pageData struct {
	Title, Message string
	// Outcome is "success" or "failure"; Result is what Teams receives
	// (notifySuccess / notifyFailure): a reason code, never a token.
	Outcome, Result    string
	TeamsJS, Integrity string
	Script             string
	// AdminURL, when set, is the tenant's admin-consent link, shown with
	// AdminRequest, the sentence to forward to the administrator.
	AdminURL, AdminRequest string
}

// failures are the reason codes of a failed flow and what the user reads.
var failures = map[string][2]string{
	"invalid_state":      {"This sign-in link is not valid", "Start again from FlowDeck in Teams."},
	"expired":            {"This sign-in link has expired", "Sign-in links work for 10 minutes. Start again from FlowDeck in Teams."},
	"no_session":         {"Sign-in could not be completed", "This window lost track of the sign-in (it may block cookies, or the sign-in was started elsewhere). Start again from FlowDeck in Teams."},
	"access_denied":      {"You did not give consent", "FlowDeck cannot work with your flows without your consent. You can start again from FlowDeck in Teams at any time."},
	"wrong_user":         {"You signed in as someone else", "The account you signed in with is not the one you use in Teams. Start again and pick your Teams account."},
	"consent_incomplete": {"Some permissions are still missing", "FlowDeck could not get every permission it asked for. Your administrator may need to grant consent for your organization."},
	"unavailable":        {"Microsoft sign-in is not answering", "Try again in a minute."},
	"misconfigured":      {"FlowDeck is not set up correctly", "Ask your administrator to run 'flowdeck doctor'."},
	"forbidden":          {"Your account cannot use FlowDeck", "Your account or organization is not allowed to use FlowDeck. Ask your administrator."},
	"failed":             {"Sign-in failed", "Start again from FlowDeck in Teams."},
}

// fail serves the failure page for a reason code.
func (c *Consent) fail(w http.ResponseWriter, _ *http.Request, status int, reason string) {
	f, ok := failures[reason]
	if !ok {
		reason, f = "failed", failures["failed"]
	}
	c.page(w, status, pageData{Outcome: "failure", Result: reason, Title: f[0], Message: f[1]})
}

// incomplete serves the consent_incomplete page: some permissions are
// still missing, which in most tenants only an administrator can grant, so
// it gives the tenant's admin-consent link and the sentence to forward.
func (c *Consent) incomplete(w http.ResponseWriter, tenant string, audiences []string) {
	f := failures["consent_incomplete"]
	link := c.AdminConsentURL(tenant)
	c.page(w, http.StatusOK, pageData{Outcome: "failure", Result: "consent_incomplete", Title: f[0], Message: f[1],
		AdminURL: link, AdminRequest: "Please grant FlowDeck its permissions for our organization (" + c.names(audiences) + "). Link: " + link})
}

// adminConsentDone answers Entra's redirect after the admin-consent page.
func (c *Consent) adminConsentDone(w http.ResponseWriter, _ *http.Request, granted bool, tenant string) {
	if !granted {
		c.page(w, http.StatusOK, pageData{Outcome: "failure", Result: "access_denied",
			Title: "Admin consent was not granted", Message: "Nothing changed. You can grant consent later with the link from 'flowdeck doctor'."})
		return
	}
	c.page(w, http.StatusOK, pageData{Outcome: "success", Result: "admin_consent",
		Title: "Admin consent granted", Message: "Everyone in your organization (" + tenant + ") can now use FlowDeck without being asked for consent."})
}

func (c *Consent) page(w http.ResponseWriter, status int, d pageData) {
	d.TeamsJS, d.Integrity, d.Script = c.teamsJS, c.teamsSRI, c.scriptPath
	noStore(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, d)
}

// names lists the audiences' human names.
func (c *Consent) names(keys []string) string {
	var out []string
	for _, k := range keys {
		if a, ok := c.audience(k); ok {
			out = append(out, a.Name)
		}
	}
	return strings.Join(out, ", ")
}

// ScriptPath is the path EndScript must be mounted at (/auth/end.js next to
// the redirect URL's path).
func (c *Consent) ScriptPath() string { return c.scriptPath }

// EndScript serves GET /auth/end.js, the static script of the end page.
func (c *Consent) EndScript(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(endScript)
}

// noStore keeps auth pages and redirects out of caches and keeps the code in
// the URL out of Referer headers.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Referrer-Policy", "no-referrer")
}
