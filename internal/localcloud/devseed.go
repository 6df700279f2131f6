package localcloud

import (
	"time"

	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"errors"
	"fmt"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// DemoApprovalTitle is the approval `flowdeck dev` sends the demo user.
const DemoApprovalTitle = "Laptops for the new hires (12 × Surface Laptop 7)"

// SeedDemo makes the background monitor visible under `flowdeck dev`: the
// demo user is signed in, watches all their flows, and a new approval
// arrives for them, so the monitor posts its card into the chat within one
// cycle (FLOWDECK_MONITOR_INTERVAL, one minute under dev). Everything goes
// through the real paths: the broker's exchange, the store, the fake Power
// Platform.
func (lc *Cloud) SeedDemo(ctx context.Context, c *config.Config, m *app.Main, u demo.User) error {
	p := flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
	tok, err := lc.SSOToken(c, u)
	if err != nil {
		return err
	}
	if _, err := m.Parts().Broker.Exchange(ctx, p, tok); err != nil {
		return fmt.Errorf("sign the demo user in: %w", err)
	}
	_, err = m.Parts().Store.CreateSubscription(ctx, flowdeck.Subscription{TenantID: u.TenantID, UserID: u.ID, Target: flowdeck.WatchAll,
		Watermark: time.Now()})
	if err != nil && !errors.Is(err, flowdeck.ErrConflict) {
		return fmt.Errorf("watch the demo user's flows: %w", err)
	}
	_, err = lc.PowerPlatform.AddApproval(powerplatform.Approval{Environment: "Default-" + u.TenantID, Title: DemoApprovalTitle,
		Details: "Twelve people start on Monday. The order goes through the framework contract.",
		OwnerID: demo.Users()[1].ID, Approvers: []string{u.ID}})
	return err
}
