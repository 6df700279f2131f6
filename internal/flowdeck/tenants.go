package flowdeck

import "strings"

// Tenants is the set of tenants whose users FlowDeck serves (the
// FLOWDECK_ALLOWED_TENANTS list), matched without regard to case; "*" among
// them allows every tenant. The zero value allows none.
type Tenants struct {
	any bool
	ids map[string]bool // lower case
}

// NewTenants returns the set of ids.
func NewTenants(ids []string) Tenants {
	t := Tenants{ids: make(map[string]bool, len(ids))}
	for _, id := range ids {
		t.any = t.any || id == "*"
		t.ids[strings.ToLower(id)] = true
	}
	return t
}

// Allows reports whether users of tenant id are served.
func (t Tenants) Allows(id string) bool {
	return t.any || (id != "" && t.ids[strings.ToLower(id)])
}
