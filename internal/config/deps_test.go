package config_test

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

// Configuration depends on the standard library and the cloud table only.
func TestDeps(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/internal/cloud")
	for _, d := range deptest.Packages(t)[deptest.Module+"/internal/config"].Deps {
		if strings.Contains(d, ".") && !strings.HasPrefix(d, "vendor/") && d != deptest.Module+"/internal/cloud" {
			t.Errorf("internal/config depends on %s; it may use the standard library and internal/cloud only", d)
		}
	}
}
