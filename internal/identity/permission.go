package identity

import (
	"errors"
	"fmt"
	"maps"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ExplainMissingPermission turns an upstream refusal for a missing delegated
// permission (a *flowdeck.Error of kind ErrForbidden whose Detail[flowdeck.DetailScope]
// names the permission, as upstream.DecodeError makes it from Power
// Platform's 403) into the error a user reads: one sentence naming the
// permission and the service, and in Detail the tenant's admin-consent link
// (flowdeck.DetailAdminConsentURL) and a link that asks the user for that permission
// alone (flowdeck.DetailConsentURL). Every other error, and a permission FlowDeck does
// not ask for, is returned unchanged. Only the failed action is affected:
// tokens stay as they are, so everything the consented permissions allow
// keeps working.
func (c *Consent) ExplainMissingPermission(p flowdeck.Principal, err error) error {
	var fe *flowdeck.Error
	if !errors.As(err, &fe) || !errors.Is(fe, flowdeck.ErrForbidden) || fe.Detail[flowdeck.DetailScope] == "" || !p.Valid() {
		return err
	}
	perm := fe.Detail[flowdeck.DetailScope]
	var a Audience
	found := false
	for _, x := range c.auds {
		if x.HasScope(perm) {
			a, found = x, true
			break
		}
	}
	if !found {
		return err
	}
	out := *fe
	out.Detail = maps.Clone(fe.Detail)
	out.Message = fmt.Sprintf("FlowDeck is missing the %s permission for %s, so it cannot do this. "+
		"Ask your administrator to grant it to FlowDeck for your organization with the admin-consent link.", perm, a.Name)
	out.Detail[flowdeck.DetailPermission] = perm
	out.Detail[flowdeck.DetailAudience] = a.Key
	out.Detail[flowdeck.DetailAudienceName] = a.Name
	out.Detail[flowdeck.DetailGrantor] = "tenant administrator (admin consent)"
	out.Detail[flowdeck.DetailAdminConsentURL] = c.AdminConsentURL(p.TenantID)
	if u, uerr := c.PermissionURL(p, p.UPN, a.Key, perm); uerr == nil {
		out.Detail[flowdeck.DetailConsentURL] = u
	}
	return &out
}
