package cards

import (
	"cmp"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// AdminRequest is the sentence a user forwards to their administrator when
// only an administrator can grant FlowDeck a permission: what to grant and
// the tenant's admin-consent link. perms are permission names
// ("Flows.Manage.All"); service names the service ("Power Automate").
func AdminRequest(perms []string, service, link string) string {
	what := "these permissions"
	if len(perms) == 1 {
		what = "this permission"
	}
	list := strings.Join(perms, ", ")
	if list == "" {
		list = "the permissions it asks for"
	}
	if service != "" {
		list += " (" + service + ")"
	}
	return "Please grant FlowDeck " + what + " for our organization: " + list + ". Link: " + link
}

// adminConsent adds to c what a user whose organization needs an
// administrator reads: the admin-consent link as a button, and the
// sentence to forward, in a block they can copy (a RichTextBlock, which is
// never markdown: what they copy is what they send). It reports false, and
// adds nothing, when fe carries no admin-consent link.
func adminConsent(c *AdaptiveCard, fe *flowdeck.Error) bool {
	if fe == nil {
		return false
	}
	link := webURL(fe.Detail[flowdeck.DetailAdminConsentURL])
	if link == "" {
		return false
	}
	perms := permissionNames(cmp.Or(fe.Detail[flowdeck.DetailPermission], fe.Detail[flowdeck.DetailMissingScopes]))
	service := fe.Detail[flowdeck.DetailAudienceName]
	c.Body = append(c.Body,
		para("Send this to your Microsoft 365 administrator (select it to copy it):"),
		&Container{Style: "emphasis", Spacing: "Small", Items: []Element{
			&RichTextBlock{Inlines: []TextRun{{Text: AdminRequest(perms, Trim(OneLine(service), maxName), link), FontType: "Monospace"}}},
		}})
	c.Actions = append(c.Actions, &OpenURLAction{Title: "Admin consent", URL: link})
	return true
}

// permissionNames turns a space-separated list of permissions, full scope
// URIs or bare names, into their names ("https://service.flow.microsoft.com//Flows.Manage.All"
// becomes "Flows.Manage.All"), at most 10, each one line.
func permissionNames(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if i := strings.LastIndex(f, "/"); i >= 0 {
			f = f[i+1:]
		}
		if f == "" || f == "offline_access" || f == "openid" || f == "profile" {
			continue
		}
		if len(out) == 10 {
			out = append(out, "…")
			break
		}
		out = append(out, Trim(f, maxName))
	}
	return out
}
