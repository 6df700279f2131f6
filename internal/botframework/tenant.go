package botframework

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// tenantGate admits the activities of the allowed tenants. The tenant is
// the verified activity's (conversation.tenantId, else channelData.tenant.id):
// the channel token vouches for the activity, and the principal FlowDeck
// acts as is that tenant and from.aadObjectId, so a tenant that may not sign
// in to the tab may not use the bot either. No list admits every tenant.
type tenantGate struct {
	any     bool
	allowed flowdeck.Tenants
}

func newTenantGate(tenants []string) tenantGate {
	return tenantGate{any: len(tenants) == 0, allowed: flowdeck.NewTenants(tenants)}
}

// admits reports whether activities of tenantID are handled.
func (g tenantGate) admits(tenantID string) bool {
	return g.any || g.allowed.Allows(tenantID)
}

// refuseTenant answers an activity of a tenant that is not allowed: HTTP 200
// with an error for an adaptiveCard/action (Teams shows it on the card), 403
// for anything else.
func (e *Endpoint) refuseTenant(ctx context.Context, w http.ResponseWriter, a *schema.Activity, c Caller) {
	e.log.LogAttrs(ctx, slog.LevelWarn, "botframework: tenant not allowed",
		slog.String("activity_type", string(a.Type)), slog.String("activity_id", a.ID),
		slog.String("tenant_id", c.TenantID), slog.String("user_id", c.UserID))
	const msg = "FlowDeck is not set up for your organisation."
	if a.Type == schema.Invoke && a.Name == InvokeAdaptiveCardAction {
		writeJSON(w, http.StatusOK, CardErrorResponse(http.StatusForbidden, "forbidden", msg).Body)
		return
	}
	writeError(w, http.StatusForbidden, "Forbidden", msg)
}
