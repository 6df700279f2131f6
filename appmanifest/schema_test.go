package appmanifest

// Validation of the generated manifest with the official JSON schema, from
// the npm package @microsoft/app-manifest pinned in testdata/schema. The
// node packages are installed on first use with `npm ci` (honouring
// package-lock.json) into testdata/schema/node_modules, with the npm cache in
// testdata/schema/.npm-cache; both are git-ignored.

import (
	"github.com/flowdeck/flowdeck/internal/nodetest"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const schemaDir = "testdata/schema"

// validateSchema runs validate.js on manifest and returns its output and
// exit status: 0 valid, 1 schema errors.
func validateSchema(t *testing.T, manifest []byte) (string, int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(file, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	return nodetest.Run(t, schemaDir, "validate.js", file)
}

func TestSchemaValid(t *testing.T) {
	full := validOptions(t)
	minimal := Options{ClientID: testClientID, PublicURL: mustURL(t, "http://localhost:3978")}
	largest := validOptions(t)
	largest.Commands = nil
	for i := range MaxCommands {
		largest.Commands = append(largest.Commands, Command{
			Title:       strings.Repeat("é", MaxCommandTitle-1) + string(rune('a'+i)),
			Description: strings.Repeat("d", MaxCommandDescription),
		})
	}
	for name, o := range map[string]Options{"full": full, "minimal": minimal, "largest": largest} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := Manifest(o)
			if err != nil {
				t.Fatal(err)
			}
			if out, code := validateSchema(t, m); code != 0 {
				t.Fatalf("the schema rejects the manifest:\n%s\n%s", out, m)
			}
		})
	}
}

// TestSchemaRejects proves the validator catches errors, so that
// TestSchemaValid passing means something.
func TestSchemaRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(m map[string]any)
		want   string
	}{
		{"manifestVersion disagrees with $schema", func(m map[string]any) { m["manifestVersion"] = "1.24" }, "/manifestVersion must be equal to constant"},
		{"developer missing", func(m map[string]any) { delete(m, "developer") }, "must have required property 'developer'"},
		{"botId not a GUID", func(m map[string]any) { firstBot(m)["botId"] = "flowdeck" }, "/bots/0/botId must match pattern"},
		{"unknown field", func(m map[string]any) { m["flowdeck"] = true }, "must NOT have additional properties"},
		{"short name too long", func(m map[string]any) {
			m["name"].(map[string]any)["short"] = strings.Repeat("F", 31)
		}, "/name/short must NOT have more than 30 characters"},
		{"too many commands", func(m map[string]any) {
			l := firstBot(m)["commandLists"].([]any)[0].(map[string]any)
			var cmds []any
			for range 13 {
				cmds = append(cmds, map[string]any{"title": "t", "description": "d"})
			}
			l["commands"] = cmds
		}, "/bots/0/commandLists/0/commands must NOT have more than 12 items"},
		{"not a Teams $schema", func(m map[string]any) { m["$schema"] = "https://example.com/schema.json" }, "not a Teams manifest schema URL"},
		{"activity type without templateText", func(m map[string]any) {
			delete(m["activities"].(map[string]any)["activityTypes"].([]any)[0].(map[string]any), "templateText")
		}, "must have required property 'templateText'"},
	}
	valid, err := Manifest(validOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m map[string]any
			if err := json.Unmarshal(valid, &m); err != nil {
				t.Fatal(err)
			}
			tt.modify(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			out, code := validateSchema(t, b)
			if code != 1 {
				t.Fatalf("the schema accepts the broken manifest (%s):\n%s", out, b)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("validator output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func firstBot(m map[string]any) map[string]any {
	return m["bots"].([]any)[0].(map[string]any)
}
