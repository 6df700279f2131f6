package monitor

import (
	"context"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// approvals sends the card of every approval that waits for the user and
// arrived after they started watching, once, and a reminder, once, when it
// has waited ReminderAfter.
func (c *cycle) approvals(t *target, pending []flowdeck.Approval) error {
	m := c.m
	watching := c.now
	subID := ""
	for _, s := range t.subs {
		if s.CreatedAt.Before(watching) {
			watching, subID = s.CreatedAt, s.ID
		}
	}
	for _, a := range pending {
		if a.Role == flowdeck.RoleOwner || a.Status != flowdeck.ApprovalPending || a.CreatedAt.Before(watching) {
			continue
		}
		id := strings.ToLower(a.EnvironmentID) + ":" + strings.ToLower(a.ID)
		_, sent, err := m.once(c.ctx, "approval", "approval:"+t.conv.ConversationID+":"+id, t.conv, subID, 1, func(ctx context.Context) (string, error) {
			return m.o.Poster.PostApproval(ctx, t.conv, a, nil)
		})
		if err != nil {
			if err = ignoreInFlight(err); err != nil {
				return err
			}
			continue
		}
		if sent || m.o.ReminderAfter <= 0 || c.now.Sub(a.CreatedAt) < m.o.ReminderAfter {
			continue
		}
		// The reminder is a fresh card at the bottom of the chat; the first
		// card then says it was replaced.
		_, _, err = m.once(c.ctx, "reminder", "reminder:"+t.conv.ConversationID+":"+id, t.conv, subID, 1, func(ctx context.Context) (string, error) {
			return m.o.Poster.PostApproval(ctx, t.conv, a, nil)
		})
		if err = ignoreInFlight(err); err != nil {
			return err
		}
	}
	return nil
}
