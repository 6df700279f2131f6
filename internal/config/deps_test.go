package config_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/deptest"
)

func TestDeps(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/internal/config")
}
