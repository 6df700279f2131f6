package powerautomate

import (
	"net/url"
	"strings"
	"testing"
)

type tokenHosts map[string]string

func (t tokenHosts) AudienceKey(host string) (string, bool) {
	k, ok := t[strings.ToLower(host)]
	return k, ok
}

func TestContentLinkHostCheck(t *testing.T) {
	r := newContentReader(ContentOptions{Hosts: append(RunContentHosts("public"), "127.0.0.1:4443", "api.flow.microsoft.com"),
		TokenHosts: tokenHosts{"api.flow.microsoft.com": "flow"}})
	for link, ok := range map[string]bool{
		"https://prod-59.westeurope.logic.azure.com:443/workflows/x/runs/y/actions/z/contents/ActionOutputs?sig=s": true,
		"https://prod-59.westeurope.logic.azure.com/workflows/x":                                                   true,
		"https://127.0.0.1:4443/workflows/x":                                                                       true,
		"http://prod-59.westeurope.logic.azure.com/workflows/x":                                                    false, // not https
		"https://prod-59.westeurope.logic.azure.com:8443/workflows/x":                                              false, // another port
		"https://logic.azure.com/workflows/x":                                                                      false, // the bare suffix
		"https://prod-59.logic.azure.com.evil.example/workflows/x":                                                 false,
		"https://user:pw@prod-59.westeurope.logic.azure.com/workflows/x":                                           false,
		"https://prod-1.usgovvirginia.logic.azure.us/workflows/x":                                                  false, // another cloud
		"https://127.0.0.1:4444/workflows/x":                                                                       false,
		"https://api.flow.microsoft.com/workflows/x":                                                               false, // a host that gets tokens
	} {
		u, _ := url.Parse(link)
		if err := r.allowed(u); (err == nil) != ok {
			t.Errorf("%s: allowed = %v, want %v", link, err, ok)
		}
	}
	if RunContentHosts("gcchigh")[0] != ".logic.azure.us" || RunContentHosts("china")[0] != ".logic.azure.cn" || RunContentHosts("mars") != nil {
		t.Error("per-cloud run-storage hosts")
	}
}

func TestOutputsError(t *testing.T) {
	long := strings.Repeat("x", 3000)
	for _, tt := range []struct{ in, code, msg string }{
		{`{"statusCode":404,"body":{"error":{"code":"NotFound","message":"List 'Invoices' not found."}}}`, "NotFound", "List 'Invoices' not found."},
		{`{"statusCode":400,"body":{"status":400,"message":"The column 'Region' does not exist."}}`, "BadRequest", "The column 'Region' does not exist."},
		{`{"statusCode":401,"body":{"error":"invalid_grant"}}`, "Unauthorized", "invalid_grant"},
		{`{"statusCode":502,"body":"<html>Bad gateway</html>"}`, "BadGateway", "<html>Bad gateway</html>"},
		{`{"statusCode":500,"body":{}}`, "InternalServerError", "The connector answered 500 Internal Server Error."},
		{`{"statusCode":500,"body":{"error":{"message":"` + long + `"}}}`, "InternalServerError", long[:maxErrorText] + "…"},
	} {
		code, msg, ok := outputsError([]byte(tt.in))
		if !ok || code != tt.code || msg != tt.msg {
			t.Errorf("%.60s: %q %.60q %v", tt.in, code, msg, ok)
		}
	}
	for _, bad := range []string{`not json`, `{"statusCode":200,"body":{}}`, `[]`} {
		if _, _, ok := outputsError([]byte(bad)); ok {
			t.Errorf("%s: read as an error", bad)
		}
	}
}
