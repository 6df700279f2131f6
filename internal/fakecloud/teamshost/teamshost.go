// Package teamshost is the Teams client of the local cloud, for a browser: a
// host page that frames FlowDeck's personal tab and answers the
// @microsoft/teams-js v2 host protocol over postMessage — the initialize
// handshake with a runtime config, getContext (app, page, user, theme,
// locale, deep-link subEntityId), authentication.getAuthToken with an SSO
// token that the fake Entra ID mints for the host's user,
// authentication.authenticate with its popup and the popup's
// notifySuccess/notifyFailure, app.notifySuccess, and themeChange pushed by
// the host's theme switcher.
//
// teams-js accepts messages from its own origin and from Microsoft's https
// hosts only, so the host page must share the tab's origin: mount Handler on
// FlowDeck's own server (flowdeck dev), or run a Server with Backend set, which
// serves the host page under HostPath and proxies everything else to FlowDeck.
//
// Only tests and `flowdeck dev` use this package.
package teamshost

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

//go:embed assets
var assets embed.FS

var hostPage = template.Must(template.ParseFS(assets, "assets/host.html"))

// SDKVersion is the teams-js version the host reports as supported.
const SDKVersion = "2.58.0"

// Themes are the Teams theme names the host can switch between.
var Themes = []string{"default", "dark", "contrast"}

// Options configure a Handler.
type Options struct {
	// TabURL is the tab's content URL, absolute or relative to the host
	// page; it must have the host page's origin. Default "/".
	TabURL string
	// User is the signed-in Teams user.
	User demo.User
	// Locale is the Teams locale; default "en-us".
	Locale string
	// Theme is the starting theme: default, dark or contrast; default "default".
	Theme string
	// Token mints the SSO token authentication.getAuthToken answers with,
	// for User (typically the fake Entra ID's MintSSOToken). Required.
	Token func(ctx context.Context) (string, error)
	// Logger receives token failures; nil discards them.
	Logger *slog.Logger
}

// Handler serves the host page at its root ("/?subEntityId=…&theme=…"), its
// script and style, and the token endpoint the script calls. Mount it under
// a prefix ending in a slash with http.StripPrefix (the page's links are
// relative to its directory).
type Handler struct {
	o   Options
	mux *http.ServeMux
}

// New checks o and returns the host's handler.
func New(o Options) (*Handler, error) {
	if o.Token == nil {
		return nil, errors.New("teamshost: Options.Token is required")
	}
	if o.User.ID == "" || o.User.TenantID == "" {
		return nil, errors.New("teamshost: Options.User needs an ID and a TenantID")
	}
	if o.TabURL == "" {
		o.TabURL = "/"
	}
	if _, err := url.Parse(o.TabURL); err != nil {
		return nil, errors.New("teamshost: TabURL: " + err.Error())
	}
	if o.Locale == "" {
		o.Locale = "en-us"
	}
	if o.Theme == "" {
		o.Theme = "default"
	}
	if !validTheme(o.Theme) {
		return nil, errors.New("teamshost: unknown theme " + o.Theme)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{o: o, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.page)
	h.mux.HandleFunc("GET /host.js", h.asset("assets/host.js", "text/javascript; charset=utf-8"))
	h.mux.HandleFunc("GET /host.css", h.asset("assets/host.css", "text/css; charset=utf-8"))
	h.mux.HandleFunc("POST /token", h.token)
	return h, nil
}

func validTheme(t string) bool {
	return slices.Contains(Themes, t)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// hostConfig is what host.js reads from the page's data-config attribute.
type hostConfig struct {
	TabURL      string     `json:"tabUrl"`
	Locale      string     `json:"locale"`
	Theme       string     `json:"theme"`
	SubEntityID string     `json:"subEntityId,omitempty"`
	SessionID   string     `json:"sessionId"`
	SDKVersion  string     `json:"sdkVersion"`
	TokenPath   string     `json:"tokenPath"`
	User        configUser `json:"user"`
}

type configUser struct {
	TenantID string `json:"tenantId"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	UPN      string `json:"upn"`
}

// subEntityOf reads the deep link's sub-entity from the host page's query:
// ?subEntityId=…, or ?context={"subEntityId":"…"} as in a Teams deep link
// (https://teams.microsoft.com/l/entity/<app>/<entity>?context=…), so a
// card's "Open in tab" query can be replayed on the host page as is.
func subEntityOf(q url.Values) string {
	if s := q.Get("subEntityId"); s != "" {
		return s
	}
	var ctx struct {
		SubEntityID string `json:"subEntityId"`
	}
	if c := q.Get("context"); c != "" && json.Unmarshal([]byte(c), &ctx) == nil {
		return ctx.SubEntityID
	}
	return ""
}

// page serves the host page. ?subEntityId= (or a deep link's ?context=)
// plays a Teams deep link into the tab; ?theme= overrides the starting theme.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	theme := h.o.Theme
	if t := r.URL.Query().Get("theme"); t != "" && validTheme(t) {
		theme = t
	}
	var sid [8]byte
	_, _ = rand.Read(sid[:])
	cfg, err := json.Marshal(hostConfig{
		TabURL:      h.o.TabURL,
		Locale:      h.o.Locale,
		Theme:       theme,
		SubEntityID: subEntityOf(r.URL.Query()),
		SessionID:   hex.EncodeToString(sid[:]),
		SDKVersion:  SDKVersion,
		TokenPath:   "token",
		User:        configUser{TenantID: h.o.User.TenantID, ID: h.o.User.ID, Name: h.o.User.Name, UPN: h.o.User.UPN},
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	err = hostPage.Execute(&buf, map[string]any{
		"Locale": h.o.Locale, "User": h.o.User, "Config": string(cfg), "Base": "./",
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) asset(name, contentType string) http.HandlerFunc {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic("teamshost: " + err.Error()) // the names are constants, checked by go:embed
	}
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(b)
	}
}

// token answers the host script's request for an SSO token, as the Teams
// client's token service would: {"token"} or {"error"} with a teams-js
// error string.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	tok, err := h.o.Token(r.Context())
	if err != nil {
		h.o.Logger.WarnContext(r.Context(), "teamshost: minting the SSO token failed", "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "resourceDisabled"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"token": tok})
}
