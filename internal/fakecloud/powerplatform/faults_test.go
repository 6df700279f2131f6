package powerplatform

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestThrottleAfterN(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	url := fx.flowsURL(envDefault) + av
	fx.srv.SetFault(RouteFlowsList, Fault{ThrottleAfter: 2, RetryAfter: 3 * time.Second})
	fx.get(url, tok, 200)
	fx.get(url, tok, 200)
	for range 2 {
		resp, b := fx.do("GET", url, tok, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
			t.Fatalf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		wantError(t, m, "TooManyRequests", "Rate limit is exceeded. Try again in 3 seconds.")
	}
	// Other routes are not affected; the concurrency flavour has its own body.
	fx.get(fx.flowsURL(envDefault)+"/"+flowOK+av, tok, 200)
	fx.srv.SetFault(RouteRunsList, Fault{ThrottleAfter: 1, ThrottleCode: "TooManyConcurrentRequests"})
	fx.get(fx.flowsURL(envDefault)+"/"+flowOK+"/runs"+av, tok, 200)
	m := fx.get(fx.flowsURL(envDefault)+"/"+flowOK+"/runs"+av, tok, 429)
	wantError(t, m, "TooManyConcurrentRequests", "Combined execution time of incoming HTTP requests for identity '"+adele().ID+"' exceeded limit of '10000000' over time window of '00:05:00'.")
	fx.srv.ClearFaults()
	fx.get(url, tok, 200)
	if got := fx.srv.Calls(RouteFlowsList); got != 5 {
		t.Errorf("Calls(flows.list) = %d, want 5", got)
	}
}

func TestInjectedFaults(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	url := fx.flowsURL(envDefault) + "/" + flowOK + av

	fx.srv.SetFault(RouteFlowsGet, Fault{Status: 500, Times: 1})
	_, b := fx.do("GET", url, tok, nil)
	if string(b) != `{"code":"UnexpectedError","message":"An unexpected error occurred."}` {
		t.Errorf("500 body %s", b)
	}
	fx.get(url, tok, 200) // only the next call failed

	fx.srv.SetFault(RouteFlowsGet, Fault{Status: 503, Times: 2, RetryAfter: 10 * time.Second})
	for range 2 {
		resp, b := fx.do("GET", url, tok, nil)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "10" || len(b) != 0 {
			t.Errorf("503: %d %q %q", resp.StatusCode, resp.Header.Get("Retry-After"), b)
		}
	}
	fx.get(url, tok, 200)

	fx.srv.SetFault(RouteFlowsGet, Fault{Status: 502, Rate: 1})
	resp, b := fx.do("GET", url, tok, nil)
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "Bad Gateway") {
		t.Errorf("502: %d %s", resp.StatusCode, b)
	}

	fx.srv.SetFault(RouteFlowsGet, Fault{Status: 404, Code: "FlowNotFound", Message: "Could not find flow 'x'."})
	wantError(t, fx.get(url, tok, 404), "FlowNotFound", "Could not find flow 'x'.")

	// A bad token still gets its 401, not the fault.
	fx.get(url, "", 401)

	fx.srv.SetFault(RouteFlowsGet, Fault{Truncate: true})
	_, b = fx.do("GET", url, tok, nil)
	var v any
	if err := json.Unmarshal(b, &v); err == nil {
		t.Error("truncated body parsed as JSON")
	}
}

func TestHTMLOnExpand(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	run := fx.firstRun(flowFail)
	fx.srv.SetFault(RouteRunsGet, Fault{HTMLOnExpand: true})
	runURL := fx.flowsURL(envDefault) + "/" + flowFail + "/runs/" + run
	resp, b := fx.do("GET", runURL+"?$expand=properties%2Factions&api-version=2016-11-01", tok, nil)
	if resp.StatusCode != 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "Runtime Error") {
		t.Errorf("expand: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	fx.get(runURL+av, tok, 200)
	if n := len(values(fx.get(runURL+"/actions"+av, tok, 200))); n != 5 {
		t.Errorf("actions list still works: %d", n)
	}
}

// TestLatencyHonoursContext: a latency fault ends when the client goes away;
// the client gets no answer and the request is logged as abandoned (status 0).
//
// The client writes its request and then closes its sending side (TLS
// close_notify): the server necessarily reads the request before the close,
// which net/http takes for the client going away, and the client can still
// read whatever the server sends, which must be nothing. (A client deadline
// may instead expire before the request is on the wire, with nothing to
// abandon; and a client that closes outright cannot tell whether the server
// answered.)
func TestLatencyHonoursContext(t *testing.T) {
	done := make(chan LoggedRequest, 16) // every logged request, in order
	fx := newFixture(t, Options{Tenant: testTenant(testNow), OnRequest: func(e LoggedRequest) { done <- e }})
	tok := fx.flowToken(adele())
	url := fx.srv.FlowURL() + flowPrefix + "/environments" + av
	fx.srv.SetFault(RouteEnvironmentsList, Fault{Latency: time.Hour})

	conn, err := tls.Dial("tcp", strings.TrimPrefix(fx.srv.FlowURL(), "https://"),
		&tls.Config{RootCAs: fx.srv.CA().CertPool(), NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(conn)
	if len(b) > 0 {
		t.Errorf("the server answered a client that went away: %q", b)
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatal("the handler kept waiting after the client went away")
	}
	select {
	case e := <-done:
		if e.Route != RouteEnvironmentsList || e.Status != 0 {
			t.Errorf("logged %+v, want an abandoned environments.list", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned request was not logged")
	}

	// A short fixed latency delays the answer.
	fx.srv.SetFault(RouteEnvironmentsList, Fault{Latency: 30 * time.Millisecond, LatencyMax: 40 * time.Millisecond})
	start := time.Now()
	fx.get(fx.srv.FlowURL()+flowPrefix+"/environments"+av, tok, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, want ≥ 30ms", d)
	}
}

func TestRequestLog(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	fx.get(fx.flowsURL(envDefault)+av+"&$top=2", tok, 200)
	fx.get(fx.flowsURL(envDefault)+av, "", 401)
	log := fx.srv.Requests()
	if len(log) != 2 {
		t.Fatalf("%d entries", len(log))
	}
	e := log[0]
	if e.Method != "GET" || e.Route != RouteFlowsList || e.Audience != DefaultFlowAudience || e.UserOID != adele().ID ||
		e.TenantID != adele().TenantID || e.Status != 200 || !strings.Contains(e.Query, "%24top=2") && !strings.Contains(e.Query, "$top=2") ||
		e.Path != flowPrefix+"/environments/"+envDefault+"/flows" || e.API != "flow" {
		t.Errorf("entry %+v", e)
	}
	if log[1].Status != 401 || log[1].UserOID != "" {
		t.Errorf("entry %+v", log[1])
	}
	b, _ := json.Marshal(log)
	if strings.Contains(string(b), tok) || strings.Contains(string(b), "eyJ") {
		t.Error("the request log holds a token")
	}
	fx.srv.ResetRequests()
	if len(fx.srv.Requests()) != 0 || fx.srv.Calls(RouteFlowsList) != 0 {
		t.Error("ResetRequests left entries")
	}
}
