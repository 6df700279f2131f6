package config

import "github.com/flowdeck/flowdeck/internal/cloud"

// Clouds returns the valid values of FLOWDECK_CLOUD.
func Clouds() []string { return cloud.Names() }
