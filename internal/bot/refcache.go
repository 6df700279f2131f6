package bot

import (
	"sync"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxStoredRefs bounds the references remembered as stored.
const maxStoredRefs = 50_000

// refCache remembers which conversation references this process has stored,
// so a message in a known conversation does not rewrite an unchanged row. It
// forgets everything when full: the cost is one write per conversation.
type refCache struct {
	mu sync.Mutex
	m  map[string]flowdeck.ConversationRef
}

func refKey(r flowdeck.ConversationRef) string { return r.TenantID + "\x00" + r.ConversationID }

// has reports whether exactly r was stored by this process.
func (c *refCache) has(r flowdeck.ConversationRef) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.m[refKey(r)]
	old.UpdatedAt = r.UpdatedAt // not part of what the bot writes
	return ok && old == r
}

func (c *refCache) add(r flowdeck.ConversationRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxStoredRefs {
		c.m = make(map[string]flowdeck.ConversationRef)
	}
	c.m[refKey(r)] = r
}

// forget drops r (the conversation was deleted).
func (c *refCache) forget(tenantID, conversationID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, tenantID+"\x00"+conversationID)
}
