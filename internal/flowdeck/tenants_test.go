package flowdeck

import "testing"

func TestTenants(t *testing.T) {
	const contoso, fabrikam = "72f988bf-86f1-41af-91ab-2d7cd011db47", "3b3c2b7a-6f0e-4a63-9a2e-6f0d7c1a9e55"
	for _, tt := range []struct {
		name string
		ids  []string
		id   string
		want bool
	}{
		{"listed", []string{contoso}, contoso, true},
		{"listed, other case", []string{contoso}, "72F988BF-86F1-41AF-91AB-2D7CD011DB47", true},
		{"not listed", []string{contoso}, fabrikam, false},
		{"empty id", []string{contoso}, "", false},
		{"any", []string{"*"}, fabrikam, true},
		{"none", nil, contoso, false},
	} {
		if got := NewTenants(tt.ids).Allows(tt.id); got != tt.want {
			t.Errorf("%s: Allows(%q) = %v, want %v", tt.name, tt.id, got, tt.want)
		}
	}
}
