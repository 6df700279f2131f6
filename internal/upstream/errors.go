package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// upstreamError is what an error body says, once unwrapped.
type upstreamError struct {
	code, message string
	// outer is the wrapper's code when the real error sat inside the message
	// (AzureResourceManagerRequestFailed).
	outer string
}

// rawError is the union of the error shapes Power Platform sends:
// {"error":{"code","message"}}, bare {"code","message"} and the OData
// {"error":{"odata.error":{"code","message":{"value"}}}}.
type rawError struct {
	Error   json.RawMessage `json:"error"`
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	OData   json.RawMessage `json:"odata.error"`
}

// jsonText returns raw as text: a JSON string, a number, or an object's "value".
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(raw, &v) == nil && v.Value != "" {
		return v.Value
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// parseError extracts the code and message of an error body; depth limits
// the unwrapping of errors nested as JSON strings in messages.
func parseError(body []byte, depth int) (upstreamError, bool) {
	var r rawError
	if json.Unmarshal(body, &r) != nil {
		return upstreamError{}, false
	}
	if len(r.Error) > 0 && r.Error[0] == '{' {
		if e, ok := parseError(r.Error, depth); ok {
			return e, true
		}
	}
	if len(r.OData) > 0 && r.OData[0] == '{' {
		if e, ok := parseError(r.OData, depth); ok {
			return e, true
		}
	}
	e := upstreamError{code: jsonText(r.Code), message: jsonText(r.Message)}
	if e.code == "" && e.message == "" {
		if s := jsonText(r.Error); s != "" { // {"error":"text"}
			return upstreamError{message: s}, true
		}
		return upstreamError{}, false
	}
	if depth > 0 {
		if i, j := strings.IndexByte(e.message, '{'), strings.LastIndexByte(e.message, '}'); i >= 0 && j > i {
			if in, ok := parseError([]byte(e.message[i:j+1]), depth-1); ok && in.code != "" {
				in.outer = e.code
				return in, true
			}
		}
	}
	return e, true
}

var scopeRE = regexp.MustCompile(`required scope '([A-Za-z0-9._-]+)'`)

// isHTML reports whether an answer is an HTML page.
func isHTML(header http.Header, body []byte) bool {
	if strings.Contains(strings.ToLower(header.Get("Content-Type")), "html") {
		return true
	}
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == '<'
}

// DecodeError turns an upstream answer that is an error (any non-2xx status,
// or a 2xx whose body is an error envelope or an HTML page) into a domain
// error with a sentence a user understands and the next step. It never
// panics, whatever the body.
func DecodeError(status int, header http.Header, body []byte) *flowdeck.Error {
	if header == nil {
		header = http.Header{}
	}
	var ue upstreamError
	html := isHTML(header, body)
	if !html {
		ue, _ = parseError(body, 2)
	}
	cause := fmt.Errorf("upstream answered %d %s: %s", status, ue.code, flowdeck.Clip(ue.message, 400))
	if html {
		cause = fmt.Errorf("upstream answered %d with an HTML page", status)
	}
	e := &flowdeck.Error{Err: cause, Detail: map[string]string{"status": strconv.Itoa(status)}}
	if ue.code != "" {
		e.Detail["code"] = ue.code
	}
	set := func(kind error, msg string) *flowdeck.Error {
		e.Kind, e.Message = kind, msg
		return e
	}
	switch ue.code {
	case "InvalidAuthenticationAudience", "InvalidAuthenticationTokenAudience":
		return set(flowdeck.ErrMisconfigured, "Power Platform rejected FlowDeck's token because it was issued for the wrong service. "+
			"This is a FlowDeck bug, not something you did; ask your administrator to run 'flowdeck doctor' and report it.")
	case "EnvironmentAccessDenied":
		return set(flowdeck.ErrForbidden, "You do not have access to that environment, or it does not exist; pick one from your list of environments.")
	case "ConnectionAuthorizationFailed", "FlowNotFound":
		return set(flowdeck.ErrNotFound, "That flow does not exist or is not shared with you; ask its owner to share it with you.")
	case "NotAnApprover":
		return set(flowdeck.ErrForbidden, "You are not an approver of this request, so you cannot respond to it.")
	case "WorkflowRunNotFound":
		return set(flowdeck.ErrNotFound, "That run was not found; runs are kept for 28 days.")
	case "WorkflowRunNotInProgress":
		return set(flowdeck.ErrConflict, "That run has already finished, so it cannot be cancelled; refresh to see its result.")
	case "WorkflowRunInProgress":
		return set(flowdeck.ErrConflict, "That run is still running; wait for it to finish (or cancel it) before resubmitting.")
	case "ApprovalAlreadyCompleted":
		return set(flowdeck.ErrConflict, "This approval is already completed; refresh to see the result.")
	case "ApprovalResponseAlreadyExists":
		return set(flowdeck.ErrConflict, "You have already responded to this approval.")
	case "ApprovalNotFound":
		return set(flowdeck.ErrNotFound, "That approval was not found; it may have been cancelled or belong to another environment.")
	case "AppNotFound":
		return set(flowdeck.ErrNotFound, "That app was not found, or it is not shared with you.")
	case "DlpViolation", "ApiPolicyDataFlowViolation", "CompanyDlpViolation":
		// Turning on a flow a data loss prevention policy blocks: 403 DlpViolation
		// (microsoft/powerapps-tools#820, #928) or, naming the policy,
		// ApiPolicyDataFlowViolation (microsoft/coe-starter-kit#7588).
		return set(flowdeck.ErrForbidden, "Your organisation's data policy (DLP) does not allow the connectors this flow uses together, so it cannot be turned on. "+
			"Ask your Power Platform admin which connectors are allowed, or change the flow's connectors in Power Automate.")
	case "InvalidApprovalResponse":
		return set(flowdeck.ErrInvalid, "That response is not one of this approval's options.")
	case "MissingApiVersionParameter", "InvalidApiVersionParameter", "InvalidFilter", "InvalidSkipToken", "InvalidQueryParameterValue":
		return set(flowdeck.ErrInternal, "FlowDeck sent a request Power Platform did not accept. This is a FlowDeck bug; please report it.")
	}
	switch {
	case status == http.StatusUnauthorized:
		if strings.Contains(ue.message, "x-ms-client-scope") {
			return set(flowdeck.ErrMisconfigured, "FlowDeck called Power Platform with an app-only token, which it does not accept. "+
				"This is a FlowDeck bug; ask your administrator to run 'flowdeck doctor'.")
		}
		return set(flowdeck.ErrUnauthenticated, "Your Power Platform sign-in has expired or is no longer valid; sign in again.")
	case status == http.StatusForbidden:
		if m := scopeRE.FindStringSubmatch(ue.message); m != nil {
			e.Detail[flowdeck.DetailScope] = m[1]
			e.Detail[flowdeck.DetailGrantor] = "tenant administrator (admin consent)"
			return set(flowdeck.ErrForbidden, fmt.Sprintf("FlowDeck is missing the %s permission; ask your admin to grant FlowDeck the %s permission.", m[1], m[1]))
		}
		return set(flowdeck.ErrForbidden, "Power Platform refused this for your account; ask the owner of the item or your admin for access.")
	case status == http.StatusNotFound || status == http.StatusGone:
		return set(flowdeck.ErrNotFound, "That was not found in Power Platform; refresh and try again.")
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		return set(flowdeck.ErrConflict, "That changed in the meantime; refresh and try again.")
	case status == http.StatusTooManyRequests:
		d, ok := retry.ParseAfter(header.Get("Retry-After"), time.Now(), maxRetryAfter)
		if !ok || d <= 0 {
			d = 10 * time.Second
		}
		e.RetryAfter = d
		secs := int((d + time.Second - 1) / time.Second)
		e.Detail["retryAfter"] = strconv.Itoa(secs)
		return set(flowdeck.ErrThrottled, fmt.Sprintf("Power Platform is busy with your requests; try again in %d s.", secs))
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return set(flowdeck.ErrInvalid, "Power Platform did not accept that request; check what you entered and try again.")
	}
	e.Kind = flowdeck.ErrUnavailable
	switch {
	case html:
		e.Message = "Power Platform answered with an error page instead of data; try again in a minute."
	case status >= 200 && status < 300:
		e.Message = "Power Platform answered with an error instead of data; try again in a minute."
	default:
		e.Message = "Power Platform is not answering properly right now; try again in a minute."
	}
	if d, ok := retry.ParseAfter(header.Get("Retry-After"), time.Now(), maxRetryAfter); ok {
		e.RetryAfter = d
	}
	return e
}
