package powerautomate

import (
	"encoding/json"
	"testing"
)

func TestDefinitionSecure(t *testing.T) {
	const def = `{"properties":{"definition":{
	  "triggers":{"manual":{"type":"Request","runtimeConfiguration":{"secureData":{"properties":["outputs"]}}}},
	  "actions":{
	    "Get_secret":{"type":"OpenApiConnection","runtimeConfiguration":{"secureData":{"properties":["inputs","outputs"]}}},
	    "Plain":{"type":"Compose"},
	    "Scope":{"type":"Scope","actions":{"Inner":{"type":"Http","runtimeConfiguration":{"secureData":{"properties":["inputs"]}}}}},
	    "Condition":{"type":"If","actions":{},"else":{"actions":{"In_else":{"runtimeConfiguration":{"secureData":{"properties":["outputs"]}}}}}},
	    "Switch":{"type":"Switch","cases":{"c1":{"actions":{"In_case":{"runtimeConfiguration":{"secureData":{"properties":["inputs"]}}}}}},"default":{"actions":{}}}
	  }}}}`
	var d flowDefinition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		action, part string
		want         bool
	}{
		{"", "outputs", true}, {"", "inputs", false},
		{"Get_secret", "inputs", true}, {"Get_secret", "outputs", true},
		{"Plain", "inputs", false}, {"Plain", "outputs", false},
		{"Inner", "inputs", true}, {"Inner", "outputs", false},
		{"In_else", "outputs", true}, {"In_case", "inputs", true},
		{"Missing", "inputs", false},
	} {
		if got := definitionSecure(d, tt.action, tt.part); got != tt.want {
			t.Errorf("%q %s: secure %v, want %v", tt.action, tt.part, got, tt.want)
		}
	}
}
