package cards

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

// TestDeps keeps the package on the standard library plus internal/flowdeck.
func TestDeps(t *testing.T) {
	p, ok := deptest.Packages(t)[deptest.Module+"/internal/cards"]
	if !ok {
		t.Fatal("internal/cards not found")
	}
	for _, d := range p.Deps {
		first, _, _ := strings.Cut(d, "/")
		if strings.Contains(first, ".") && d != deptest.Module+"/internal/flowdeck" {
			t.Errorf("internal/cards depends on %s; it may use the standard library and internal/flowdeck only", d)
		}
	}
}
