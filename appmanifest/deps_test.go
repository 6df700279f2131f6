package appmanifest_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

// TestImports keeps appmanifest on the standard library: cmd/flowdeck wires
// it, and it must not pull in the service's packages or third-party code.
// (Its tests may use test helpers.)
func TestImports(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/appmanifest")
}
