package teamshost

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func newHandler(t *testing.T, token func(context.Context) (string, error)) *Handler {
	t.Helper()
	h, err := New(Options{User: demo.Users()[0], Token: token, TabURL: "/"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHostPage(t *testing.T) {
	h := newHandler(t, func(context.Context) (string, error) { return "tok", nil })
	resp, body := get(t, h, "GET", "/?subEntityId=flow:Default-1:f1&theme=dark")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`src="./host.js"`, `href="./host.css"`, `id="tab"`, `id="theme"`, "Adele Vance"} {
		if !strings.Contains(body, want) {
			t.Errorf("the host page lacks %s", want)
		}
	}
	if regexp.MustCompile(`<script>|\son[a-z]+=|\sstyle=`).MatchString(body) {
		t.Error("the host page has inline script or style; FlowDeck's CSP forbids it when mounted there")
	}
	m := regexp.MustCompile(`data-config="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no data-config")
	}
	var cfg hostConfig
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cfg); err != nil {
		t.Fatal(err)
	}
	want := hostConfig{TabURL: "/", Locale: "en-us", Theme: "dark", SubEntityID: "flow:Default-1:f1", SDKVersion: SDKVersion, TokenPath: "token",
		User: configUser{TenantID: demo.TenantID, ID: demo.Users()[0].ID, Name: "Adele Vance", UPN: demo.Users()[0].UPN}}
	cfg.SessionID = ""
	if cfg != want {
		t.Errorf("config = %+v, want %+v", cfg, want)
	}
}

func TestHostPageTakesATeamsDeepLinkContext(t *testing.T) {
	for q, want := range map[string]string{
		"context=" + url.QueryEscape(`{"subEntityId":"flow:Default-1:f1"}`):                    "flow:Default-1:f1",
		"context=" + url.QueryEscape(`{"subEntityId":"approvals"}`) + "&subEntityId=run:e:f:r": "run:e:f:r",
		"context=not-json": "",
		"":                 "",
	} {
		if got := subEntityOf(mustQuery(t, q)); got != want {
			t.Errorf("subEntityOf(%s) = %q, want %q", q, got, want)
		}
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHostPageEscapesTheDeepLink(t *testing.T) {
	h := newHandler(t, func(context.Context) (string, error) { return "tok", nil })
	_, body := get(t, h, "GET", "/?subEntityId="+url.QueryEscape(`"><script>alert(1)</script>`))
	if strings.Contains(body, "<script>alert") {
		t.Fatal("the deep link reached the page unescaped")
	}
}

func TestAssetsAndToken(t *testing.T) {
	h := newHandler(t, func(context.Context) (string, error) { return "sso-token", nil })
	for path, ctype := range map[string]string{"/host.js": "text/javascript", "/host.css": "text/css"} {
		resp, body := get(t, h, "GET", path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || body == "" {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	resp, body := get(t, h, "POST", "/token")
	if resp.StatusCode != 200 || !strings.Contains(body, `"token":"sso-token"`) {
		t.Errorf("POST /token = %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, h, "GET", "/token"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /token = %d, want 405", resp.StatusCode)
	}

	failing := newHandler(t, func(context.Context) (string, error) { return "", errors.New("no") })
	resp, body = get(t, failing, "POST", "/token")
	if resp.StatusCode != 500 || !strings.Contains(body, "resourceDisabled") {
		t.Errorf("failing POST /token = %d %s", resp.StatusCode, body)
	}
}

func TestNewChecksOptions(t *testing.T) {
	tok := func(context.Context) (string, error) { return "", nil }
	for name, o := range map[string]Options{
		"no token": {User: demo.Users()[0]},
		"no user":  {Token: tok},
		"theme":    {User: demo.Users()[0], Token: tok, Theme: "pink"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestServerProxiesToTheBackend(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "tab at "+r.URL.Path+" for "+r.Host)
	}))
	defer backend.Close()
	u, _ := url.Parse(backend.URL)
	s, err := Start(ServerOptions{Options: Options{User: demo.Users()[0], Token: func(context.Context) (string, error) { return "t", nil }}, Backend: u})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for path, want := range map[string]string{"/api/me": "tab at /api/me for " + strings.TrimPrefix(s.URL(), "http://"), HostPath: `id="tab"`} {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("GET %s = %q, want %q", path, b, want)
		}
	}
}
