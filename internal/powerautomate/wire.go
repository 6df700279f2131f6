package powerautomate

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// wtime is a timestamp that tolerates null, "" and odd layouts (as zero).
type wtime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *wtime) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if v, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
		t.Time = v.UTC()
	}
	return nil
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type wireEnv struct {
	Name       string `json:"name"`
	Location   string `json:"location"`
	Properties struct {
		DisplayName    string `json:"displayName"`
		IsDefault      bool   `json:"isDefault"`
		EnvironmentSku string `json:"environmentSku"`
	} `json:"properties"`
}

func (w wireEnv) domain() flowdeck.Environment {
	return flowdeck.Environment{ID: w.Name, DisplayName: w.Properties.DisplayName, Location: w.Location,
		IsDefault: w.Properties.IsDefault, SKU: w.Properties.EnvironmentSku}
}

type wireFlow struct {
	Name       string `json:"name"`
	Properties struct {
		DisplayName          string `json:"displayName"`
		State                string `json:"state"`
		FlowSuspensionReason string `json:"flowSuspensionReason"`
		FlowSuspensionTime   wtime  `json:"flowSuspensionTime"`
		CreatedTime          wtime  `json:"createdTime"`
		LastModifiedTime     wtime  `json:"lastModifiedTime"`
		SharingType          string `json:"sharingType"`
		IsSolutionAware      bool   `json:"isSolutionAware"`
		Creator              struct {
			ObjectID string `json:"objectId"`
		} `json:"creator"`
		Environment struct {
			Name string `json:"name"`
		} `json:"environment"`
		DefinitionSummary struct {
			Triggers []wireTrigger `json:"triggers"`
		} `json:"definitionSummary"`
	} `json:"properties"`
}

type wireTrigger struct {
	Type        string `json:"type"`
	Kind        string `json:"kind"`
	OperationID string `json:"swaggerOperationId"`
}

func (w wireFlow) domain(env string) flowdeck.Flow {
	p := w.Properties
	if p.Environment.Name != "" {
		env = p.Environment.Name
	}
	f := flowdeck.Flow{EnvironmentID: env, ID: w.Name, DisplayName: p.DisplayName, State: p.State,
		OwnerID: p.Creator.ObjectID, CreatedAt: p.CreatedTime.Time, ModifiedAt: p.LastModifiedTime.Time,
		SolutionAware: p.IsSolutionAware || p.SharingType == "CommonDataService"}
	if p.State == flowdeck.FlowSuspended {
		f.SuspensionReason, f.SuspendedAt = p.FlowSuspensionReason, p.FlowSuspensionTime.Time
	}
	if len(p.DefinitionSummary.Triggers) > 0 {
		t := p.DefinitionSummary.Triggers[0]
		f.TriggerKind = t.Type
		if t.Kind != "" {
			f.TriggerKind += "/" + t.Kind
		}
		f.Trigger = triggerLabel(t)
	}
	return f
}

// knownOperations names common connector triggers as the portal does.
var knownOperations = map[string]string{
	"GetOnNewItems":           "When an item is created",
	"GetOnUpdatedItems":       "When an item is created or modified",
	"GetOnNewFileItems":       "When a file is created",
	"OnNewEmailV3":            "When a new email arrives",
	"OnNewEmail":              "When a new email arrives",
	"SubscribeWebhookTrigger": "When a row is added, modified or deleted",
	"CreateFormWebhook":       "When a new response is submitted",
	"OnNewTaskV2":             "When a new task is created",
}

// triggerLabel is a short human label for a trigger.
func triggerLabel(t wireTrigger) string {
	switch {
	case t.Type == "Recurrence":
		return "Recurrence"
	case t.Type == "Request" && t.Kind == "Http":
		return "When an HTTP request is received"
	case t.Type == "Request":
		return "Manual"
	case t.OperationID != "":
		if l, ok := knownOperations[t.OperationID]; ok {
			return l
		}
		return splitCamel(t.OperationID)
	}
	return t.Type
}

// splitCamel turns "OnNewTaskV2" into "On new task v2".
func splitCamel(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

type wireRun struct {
	Name       string `json:"name"`
	Properties struct {
		StartTime wtime      `json:"startTime"`
		EndTime   wtime      `json:"endTime"`
		Status    string     `json:"status"`
		Code      string     `json:"code"`
		Error     *wireError `json:"error"`
		Trigger   struct {
			Name              string           `json:"name"`
			OriginHistoryName string           `json:"originHistoryName"`
			Status            string           `json:"status"`
			EndTime           wtime            `json:"endTime"`
			InputsLink        *wireContentLink `json:"inputsLink"`
			OutputsLink       *wireContentLink `json:"outputsLink"`
		} `json:"trigger"`
	} `json:"properties"`
}

func (w *wireRun) domain(env, flow string) flowdeck.Run {
	p := &w.Properties
	r := flowdeck.Run{EnvironmentID: env, FlowID: flow, ID: w.Name, Status: p.Status, Code: p.Code,
		TriggerName: p.Trigger.Name, StartTime: p.StartTime.Time, EndTime: p.EndTime.Time}
	if p.Error != nil {
		r.ErrorCode, r.ErrorMessage = p.Error.Code, p.Error.Message
	}
	return r
}

type wireAction struct {
	Name       string `json:"name"`
	Properties struct {
		StartTime   wtime            `json:"startTime"`
		EndTime     wtime            `json:"endTime"`
		Status      string           `json:"status"`
		Code        string           `json:"code"`
		Error       *wireError       `json:"error"`
		InputsLink  *wireContentLink `json:"inputsLink"`
		OutputsLink *wireContentLink `json:"outputsLink"`
	} `json:"properties"`
}

// wireContentLink is an inputsLink or outputsLink: a pre-signed URL (a
// secret: it never leaves this package) and the content's size. SecureData,
// when present, marks content the flow keeps secure (runtimeConfiguration.
// secureData): the Logic Apps designer shows such a part as "Content not
// shown due to security configuration" whenever the link carries secureData
// (Azure/LogicAppsUX, libs/designer/.../monitoringTab/inputsPanel.tsx).
type wireContentLink struct {
	URI         string          `json:"uri"`
	ContentSize *int64          `json:"contentSize"`
	SecureData  json.RawMessage `json:"secureData"`
}

func (w wireAction) domain() flowdeck.Action {
	p := w.Properties
	a := flowdeck.Action{Name: w.Name, Status: p.Status, Code: p.Code, StartTime: p.StartTime.Time, EndTime: p.EndTime.Time}
	if p.Error != nil {
		a.ErrorCode, a.ErrorMessage = p.Error.Code, p.Error.Message
	}
	return a
}
