package powerautomate

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
)

// flowDefinition is the part of a flow (E3) that says what it keeps secure.
type flowDefinition struct {
	Properties struct {
		Definition struct {
			Triggers map[string]json.RawMessage `json:"triggers"`
			Actions  map[string]json.RawMessage `json:"actions"`
		} `json:"definition"`
	} `json:"properties"`
}

// secureStep is a trigger or action of a definition: its secure parts, and
// the actions nested in it (scopes, conditions, switches, loops).
type secureStep struct {
	RuntimeConfiguration struct {
		SecureData struct {
			Properties []string `json:"properties"`
		} `json:"secureData"`
	} `json:"runtimeConfiguration"`
	Actions map[string]json.RawMessage `json:"actions"`
	Else    struct {
		Actions map[string]json.RawMessage `json:"actions"`
	} `json:"else"`
	Default struct {
		Actions map[string]json.RawMessage `json:"actions"`
	} `json:"default"`
	Cases map[string]struct {
		Actions map[string]json.RawMessage `json:"actions"`
	} `json:"cases"`
}

// maxDefinitionDepth bounds how deep definitionSecure looks for an action.
const maxDefinitionDepth = 32

// definitionSecure reports whether the flow definition keeps part (inputs or
// outputs) of action (or, for "", of its trigger) secure: the step's
// runtimeConfiguration.secureData.properties names it (Microsoft Learn,
// "Secure access and data in Azure Logic Apps"). Actions are looked for in
// nested scopes too; names are unique in a definition.
func definitionSecure(def flowDefinition, action, part string) bool {
	d := def.Properties.Definition
	if action == "" {
		for _, raw := range d.Triggers {
			if stepSecure(raw, part) {
				return true
			}
		}
		return false
	}
	return findSecure(d.Actions, action, part, 0)
}

func stepSecure(raw json.RawMessage, part string) bool {
	var st secureStep
	return json.Unmarshal(raw, &st) == nil && slices.Contains(st.RuntimeConfiguration.SecureData.Properties, part)
}

func findSecure(actions map[string]json.RawMessage, action, part string, depth int) bool {
	if depth > maxDefinitionDepth {
		return false
	}
	if raw, ok := actions[action]; ok {
		return stepSecure(raw, part)
	}
	for _, raw := range actions {
		var st secureStep
		if json.Unmarshal(raw, &st) != nil {
			continue
		}
		nested := []map[string]json.RawMessage{st.Actions, st.Else.Actions, st.Default.Actions}
		for _, c := range st.Cases {
			nested = append(nested, c.Actions)
		}
		for _, n := range nested {
			if findSecure(n, action, part, depth+1) {
				return true
			}
		}
	}
	return false
}

// secureInDefinition reads the flow (E3, with its definition) and reports
// whether it keeps part of action secure.
func (c *Client) secureInDefinition(ctx context.Context, env, flowID, action, part string) (bool, error) {
	var def flowDefinition
	if err := c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "flows", flowID), nil, &def); err != nil {
		return false, err
	}
	return definitionSecure(def, action, part), nil
}
