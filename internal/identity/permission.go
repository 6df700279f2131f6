package identity

import (
	"errors"
	"fmt"
	"maps"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ExplainMissingPermission turns an upstream refusal for a missing delegated
// permission (a *flowdeck.Error of kind ErrForbidden whose Detail["scope"]
// names the permission, as upstream.DecodeError makes it from Power
// Platform's 403) into the error a user reads: one sentence naming the
// permission and the service, and in Detail the tenant's admin-consent link
// ("admin_consent_url") and a link that asks the user for that permission
// alone ("consent_url"). Every other error, and a permission FlowDeck does
// not ask for, is returned unchanged. Only the failed action is affected:
// tokens stay as they are, so everything the consented permissions allow
// keeps working.
func (c *Consent) ExplainMissingPermission(p flowdeck.Principal, err error) error {
	var fe *flowdeck.Error
	if !errors.As(err, &fe) || !errors.Is(fe, flowdeck.ErrForbidden) || fe.Detail["scope"] == "" || !p.Valid() {
		return err
	}
	perm := fe.Detail["scope"]
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
	out.Detail["permission"] = perm
	out.Detail["audience"] = a.Key
	out.Detail["audience_name"] = a.Name
	out.Detail["grantor"] = "tenant administrator (admin consent)"
	out.Detail["admin_consent_url"] = c.AdminConsentURL(p.TenantID)
	if u, uerr := c.PermissionURL(p, p.UPN, a.Key, perm); uerr == nil {
		out.Detail["consent_url"] = u
	}
	return &out
}
