package flowdeck

import (
	"context"
	"time"
)

// ActivityLog remembers which inbound Bot Framework activities were handled,
// so that a replayed one (a captured request sent again while its channel
// token is still valid, or a delivery the channel retries) is not acted on
// twice, whichever replica it reaches.
type ActivityLog interface {
	// ClaimActivity records key until expires. It returns ErrConflict when
	// key is recorded already and has not expired; exactly one of several
	// concurrent claims of a key succeeds. Expired keys may be claimed again.
	ClaimActivity(ctx context.Context, key string, expires time.Time) error
}
