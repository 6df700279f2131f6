package upstream_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

func TestDecodeError(t *testing.T) {
	inner := `{"error":{"code":"AzureResourceManagerRequestFailed","message":"Request to Azure Resource Manager failed with error: '{\"error\":{\"code\":\"WorkflowRunNotFound\",\"message\":\"The workflow 'f' run 'r' could not be found.\"}}'"}}`
	cases := []struct {
		status int
		body   string
		kind   error
		code   string
		scope  string
	}{
		{401, `{"error":{"code":"InvalidAuthenticationAudience","message":"The received access token has been obtained from wrong audience"}}`, flowdeck.ErrMisconfigured, "InvalidAuthenticationAudience", ""},
		{401, `{"error":{"code":"ExpiredAuthenticationToken","message":"The access token expiry UTC time"}}`, flowdeck.ErrUnauthenticated, "ExpiredAuthenticationToken", ""},
		{401, `{"error":{"code":"Unauthorized","message":"The x-ms-client-scope header must not be null or empty."}}`, flowdeck.ErrMisconfigured, "Unauthorized", ""},
		{403, `{"error":{"code":"Forbidden","message":"The caller does not have the required scope 'Flows.Manage.All'."}}`, flowdeck.ErrForbidden, "Forbidden", "Flows.Manage.All"},
		{403, `{"error":{"code":"EnvironmentAccessDenied","message":"Access to the environment 'x' is denied."}}`, flowdeck.ErrForbidden, "EnvironmentAccessDenied", ""},
		{403, `{"error":{"code":"ConnectionAuthorizationFailed","message":"The caller with object id"}}`, flowdeck.ErrNotFound, "ConnectionAuthorizationFailed", ""},
		{404, inner, flowdeck.ErrNotFound, "WorkflowRunNotFound", ""},
		{409, `{"error":{"code":"WorkflowRunNotInProgress","message":"no"}}`, flowdeck.ErrConflict, "WorkflowRunNotInProgress", ""},
		{429, `{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded. Try again in 2 seconds."}}`, flowdeck.ErrThrottled, "TooManyRequests", ""},
		{500, `{"code":"UnexpectedError","message":"An unexpected error occurred."}`, flowdeck.ErrUnavailable, "UnexpectedError", ""},
		{500, `<html><body>Runtime Error</body></html>`, flowdeck.ErrUnavailable, "", ""},
		{502, ``, flowdeck.ErrUnavailable, "", ""},
		{400, `{"error":{"odata.error":{"code":"-1, InvalidOperationException","message":{"value":"An error has occurred"}}}}`, flowdeck.ErrInvalid, "-1, InvalidOperationException", ""},
		{503, `{"error":{"code":"Svc","message":"tru`, flowdeck.ErrUnavailable, "", ""},
		{200, `{"error":{"code":"InternalServerError","message":"x"}}`, flowdeck.ErrUnavailable, "InternalServerError", ""},
	}
	for _, c := range cases {
		e := upstream.DecodeError(c.status, http.Header{"Retry-After": {"2"}}, []byte(c.body))
		if !errors.Is(e, c.kind) || e.Message == "" || e.Detail["code"] != c.code || e.Detail["scope"] != c.scope {
			t.Errorf("DecodeError(%d, %.40q) = kind %v, detail %v, msg %q", c.status, c.body, e.Kind, e.Detail, e.Message)
		}
		if c.status == 429 && (e.RetryAfter != 2*time.Second || !strings.Contains(e.Message, "try again in 2 s")) {
			t.Errorf("429: %v %q", e.RetryAfter, e.Message)
		}
		if c.scope != "" && !strings.Contains(e.Message, "ask your admin to grant FlowDeck the "+c.scope) {
			t.Errorf("scope message %q", e.Message)
		}
	}
}

func resp(status int, ctype, body string) *http.Response {
	req, _ := http.NewRequest("GET", "https://h/x", nil)
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ctype}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: -1, Request: req}
}

func TestDecodeJSONBadAnswers(t *testing.T) {
	var v struct {
		Value []map[string]any `json:"value"`
	}
	huge := &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: 1 << 40, Body: io.NopCloser(strings.NewReader("{}"))}
	stream := &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: -1,
		Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"value":[`), bytes.NewReader(make([]byte, upstream.MaxBody))))}
	cases := map[string]*http.Response{
		"envelope in 200": resp(200, "application/json", `{"error":{"code":"Boom","message":"x"}}`),
		"bare in 200":     resp(200, "application/json", `{"code":"UnexpectedError","message":"x"}`),
		"html in 200":     resp(200, "text/html", `<!DOCTYPE html><html></html>`),
		"truncated":       resp(200, "application/json", `{"value":[{"name":"a"},{"na`),
		"malformed":       resp(200, "application/json", `{"value":[1,2,}`),
		"empty":           resp(200, "application/json", ``),
		"huge length":     huge,
		"huge stream":     stream,
	}
	for name, r := range cases {
		err := upstream.DecodeJSON(r, &v)
		if !errors.Is(err, flowdeck.ErrUnavailable) || flowdeck.Message(err) == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := upstream.DecodeJSON(resp(200, "application/json", `{"value":[{"code":"x"}]}`), &v); err != nil || len(v.Value) != 1 {
		t.Fatalf("good body: %v", err)
	}
}

func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"error":{"code":"InvalidAuthenticationAudience","message":"m"}}`,
		`{"code":"UnexpectedError","message":"An unexpected error occurred."}`,
		`{"error":{"code":"AzureResourceManagerRequestFailed","message":"x '{\"error\":{\"code\":\"WorkflowRunNotFound\",\"message\":\"m\"}}'"}}`,
		`{"error":{"odata.error":{"code":"-1","message":{"value":"v"}}}}`,
		`<html></html>`, ``, `{"error":`, `{"error":"text"}`, `{"error":{"message":"required scope 'X'"}}`,
	} {
		for _, st := range []int{200, 401, 403, 404, 409, 429, 500, 503} {
			f.Add(st, "2", s)
		}
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		e := upstream.DecodeError(status, http.Header{"Retry-After": {retryAfter}}, []byte(body))
		if e == nil || flowdeck.KindOf(e) == nil || e.Message == "" || e.RetryAfter < 0 {
			t.Fatalf("DecodeError = %+v", e)
		}
		var v any
		_ = upstream.Unmarshal(200, http.Header{}, []byte(body), &v)
	})
}
