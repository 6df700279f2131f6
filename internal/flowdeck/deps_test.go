package flowdeck_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

func TestDeps(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/internal/flowdeck")
}
