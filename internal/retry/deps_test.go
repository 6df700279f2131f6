package retry_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

// TestStandardOnly: both clients use retry; it must stay standard library only.
func TestStandardOnly(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/internal/retry")
}
