package powerplatform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Errors returned by the Server's test helpers.
var (
	// ErrNotFound means the environment, flow, run or approval does not exist.
	ErrNotFound = errors.New("powerplatform: not found")
	// ErrConflict means the state forbids the change (already answered, not running, …).
	ErrConflict = errors.New("powerplatform: conflict")
	// ErrInvalid means an argument is not acceptable (unknown response option, …).
	ErrInvalid = errors.New("powerplatform: invalid argument")
)

// apiError is an HTTP error with the ARM-style envelope {"error":{"code","message"}}.
type apiError struct {
	status  int
	code    string
	message string
	// bare writes {"code","message"} without the "error" wrapper (the 500 variant).
	bare bool
	// header is set on the response (Retry-After, WWW-Authenticate).
	header http.Header
	// sentinel is the helper-facing kind.
	sentinel error
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func (e *apiError) Unwrap() error { return e.sentinel }

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	var body []byte
	if e.bare {
		body, _ = json.Marshal(errorDetail{Code: e.code, Message: e.message})
	} else {
		body, _ = json.Marshal(errorBody{Error: errorDetail{Code: e.code, Message: e.message}})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

func errEnvironmentDenied(env string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "EnvironmentAccessDenied",
		message: fmt.Sprintf("Access to the environment '%s' is denied.", env), sentinel: ErrNotFound}
}

// errFlowDenied is what the user route answers for a missing or invisible flow.
func errFlowDenied(oid, flow string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "ConnectionAuthorizationFailed",
		message:  fmt.Sprintf("The caller with object id '%s' does not have permission for connection '%s' under Api 'shared_logicflows'.", oid, flow),
		sentinel: ErrNotFound}
}

// errRunNotFound wraps the Logic Apps error as a JSON string, as the Flow RP does.
func errRunNotFound(flow, run string) *apiError {
	inner, _ := json.Marshal(errorBody{Error: errorDetail{Code: "WorkflowRunNotFound",
		Message: fmt.Sprintf("The workflow '%s' run '%s' could not be found.", flow, run)}})
	return &apiError{status: http.StatusNotFound, code: "AzureResourceManagerRequestFailed",
		message: fmt.Sprintf("Request to Azure Resource Manager failed with error: '%s'", inner), sentinel: ErrNotFound}
}

func errActionNotFound(flow, run, action string) *apiError {
	inner, _ := json.Marshal(errorBody{Error: errorDetail{Code: "WorkflowRunActionNotFound",
		Message: fmt.Sprintf("The workflow '%s' run '%s' action '%s' could not be found.", flow, run, action)}})
	return &apiError{status: http.StatusNotFound, code: "AzureResourceManagerRequestFailed",
		message: fmt.Sprintf("Request to Azure Resource Manager failed with error: '%s'", inner), sentinel: ErrNotFound}
}

func errTriggerNotFound(flow, trigger string) *apiError {
	inner, _ := json.Marshal(errorBody{Error: errorDetail{Code: "WorkflowTriggerNotFound",
		Message: fmt.Sprintf("The workflow '%s' trigger '%s' could not be found.", flow, trigger)}})
	return &apiError{status: http.StatusNotFound, code: "AzureResourceManagerRequestFailed",
		message: fmt.Sprintf("Request to Azure Resource Manager failed with error: '%s'", inner), sentinel: ErrNotFound}
}

func errRunNotInProgress(run string) *apiError {
	return &apiError{status: http.StatusConflict, code: "WorkflowRunNotInProgress",
		message: fmt.Sprintf("The workflow run '%s' cannot be cancelled because it is not in progress.", run), sentinel: ErrConflict}
}

func errRunInProgress(run string) *apiError {
	return &apiError{status: http.StatusConflict, code: "WorkflowRunInProgress",
		message: fmt.Sprintf("The workflow run '%s' cannot be resubmitted because it is still in progress.", run), sentinel: ErrConflict}
}

// errFlowDlp is the answer to turning on a flow a DLP policy blocks: 403
// DlpViolation, verbatim from real answers quoted in microsoft/powerapps-tools
// issues #820 and #928 and MicrosoftDocs/power-platform#183.
func errFlowDlp(flow string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "DlpViolation",
		message:  fmt.Sprintf("Flow '%s' cannot be activated due to admin API policies.", flow),
		sentinel: ErrConflict}
}

func errApprovalNotFound(name string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ApprovalNotFound",
		message: fmt.Sprintf("Could not find approval '%s'.", name), sentinel: ErrNotFound}
}

func errApprovalCompleted(name string) *apiError {
	return &apiError{status: http.StatusConflict, code: "ApprovalAlreadyCompleted",
		message: fmt.Sprintf("The approval '%s' has already been completed.", name), sentinel: ErrConflict}
}

func errAlreadyResponded(name, oid string) *apiError {
	return &apiError{status: http.StatusConflict, code: "ApprovalResponseAlreadyExists",
		message: fmt.Sprintf("The user '%s' has already responded to approval '%s'.", oid, name), sentinel: ErrConflict}
}

func errNotAnApprover(name, oid string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "NotAnApprover",
		message: fmt.Sprintf("The user '%s' is not an approver of approval '%s'.", oid, name), sentinel: ErrInvalid}
}

func errBadResponse(resp string, options []string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidApprovalResponse",
		message: fmt.Sprintf("The response '%s' is not one of the response options %q.", resp, options), sentinel: ErrInvalid}
}

func errAppNotFound(name string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "AppNotFound",
		message: fmt.Sprintf("Could not find App '%s'.", name), sentinel: ErrNotFound}
}

func errBadRequest(code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: msg, sentinel: ErrInvalid}
}

func errBadFilter(filter string) *apiError {
	return errBadRequest("InvalidFilter", fmt.Sprintf("The $filter expression '%s' is not valid or not supported.", filter))
}

func errNoRoute(url string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NotFound",
		message: fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", url), sentinel: ErrNotFound}
}

// errThrottled is the 429 of a rate limit (code TooManyRequests) or of the
// execution-time budget (TooManyConcurrentRequests).
func errThrottled(code, oid string, retryAfter time.Duration) *apiError {
	secs := retrySeconds(retryAfter)
	msg := fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", secs)
	if code == "TooManyConcurrentRequests" {
		msg = fmt.Sprintf("Combined execution time of incoming HTTP requests for identity '%s' exceeded limit of '10000000' over time window of '00:05:00'. Decrease number of concurrent requests or reduce the duration of requests and try again later.", oid)
	} else {
		code = "TooManyRequests"
	}
	return &apiError{status: http.StatusTooManyRequests, code: code, message: msg,
		header: http.Header{"Retry-After": {fmt.Sprint(secs)}}}
}

// retrySeconds is d in whole seconds for Retry-After, at least 1.
func retrySeconds(d time.Duration) int { return max(1, int(d/time.Second)) }
