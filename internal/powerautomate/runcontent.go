package powerautomate

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// DefaultShowBytes is how much of a trigger's or action's inputs or outputs
// RunContent shows; larger content is cut there and marked truncated.
const DefaultShowBytes = 64 << 10

// actionRE is the shape of an action name FlowDeck asks about: Logic Apps
// names of at most 80 characters, without path or query characters.
var actionRE = regexp.MustCompile(`^[^/\\?#%\x00-\x1f\x7f]{1,80}$`)

// ValidActionName checks an action name.
func ValidActionName(name string) error {
	if !actionRE.MatchString(name) || !utf8.ValidString(name) {
		return invalid("action name", name)
	}
	return nil
}

// RunContent reads the inputs or outputs (part: flowdeck.ContentInputs or
// ContentOutputs) of a run's trigger (action "") or of one of its actions,
// from the content link the runs API gives (E6/E7): fetched without any
// token, from a known run-storage host, and cut at DefaultShowBytes. A part
// the flow marks secure (the link carries secureData, a part that should
// exist has no link, or the flow definition's runtimeConfiguration.secureData
// names it) is never fetched: the answer says Secure.
func (c *Client) RunContent(ctx context.Context, env, flowID, runID, action, part string) (flowdeck.RunContent, error) {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID), ValidRunID(runID)); err != nil {
		return flowdeck.RunContent{}, err
	}
	if action != "" {
		if err := ValidActionName(action); err != nil {
			return flowdeck.RunContent{}, err
		}
	}
	if part != flowdeck.ContentInputs && part != flowdeck.ContentOutputs {
		return flowdeck.RunContent{}, invalid("content part", part)
	}
	out := flowdeck.RunContent{Action: action, Part: part, Size: -1}
	var link *wireContentLink
	var status string
	var ended bool
	if action == "" {
		var w wireRun
		if err := c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "flows", flowID, "runs", runID), nil, &w); err != nil {
			return out, err
		}
		t := w.Properties.Trigger
		link, status, ended = t.InputsLink, t.Status, !t.EndTime.IsZero()
		if part == flowdeck.ContentOutputs {
			link = t.OutputsLink
		}
	} else {
		var w wireAction
		if err := c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "flows", flowID, "runs", runID, "actions", action), nil, &w); err != nil {
			return out, err
		}
		p := w.Properties
		link, status, ended = p.InputsLink, p.Status, !p.EndTime.IsZero()
		if part == flowdeck.ContentOutputs {
			link = p.OutputsLink
		}
	}
	// A part that exists: inputs of anything that ran, outputs of what ended.
	exists := status != "" && status != "Skipped" && (part == flowdeck.ContentInputs || ended)
	switch {
	case link != nil && len(link.SecureData) > 0 && string(link.SecureData) != "null":
		out.Secure = true
		return out, nil
	case link == nil || link.URI == "":
		out.Secure, out.None = exists, !exists
		return out, nil
	}
	if link.ContentSize != nil {
		out.Size = *link.ContentSize
	}
	// The definition is the authority on what is secure: a link to content
	// it keeps secure is not followed either.
	secure, err := c.secureInDefinition(ctx, env, flowID, action, part)
	if err != nil {
		return out, err
	}
	if secure {
		out.Secure, out.Size = true, -1
		return out, nil
	}
	b, more, err := c.content.readPrefix(ctx, link.URI, min(c.content.maxBytes, DefaultShowBytes))
	if err != nil {
		return out, flowdeck.Wrap(flowdeck.ErrUnavailable, err, "FlowDeck could not read this content from Power Automate; open the run in Power Automate to see it.")
	}
	if !more && out.Size < 0 {
		out.Size = int64(len(b))
	}
	out.Truncated = more
	out.Text = showText(b, more)
	return out, nil
}

// showText is content as shown: indented when it is whole JSON, else the
// text as it came (a cut one without a broken last character).
func showText(b []byte, cut bool) string {
	if !cut && json.Valid(b) {
		var ind bytes.Buffer
		if json.Indent(&ind, b, "", "  ") == nil {
			return ind.String()
		}
	}
	s := string(b)
	if cut {
		for len(s) > 0 {
			r, n := utf8.DecodeLastRuneInString(s)
			if r != utf8.RuneError || n > 1 {
				break
			}
			s = s[:len(s)-1]
		}
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
