// Package devhost is the dev Teams client that `flowdeck dev` serves at /dev:
// a chat with the bot on one side (messages go to the bot as the Teams client
// would send them, signed by the fake Bot Framework; the bot's replies arrive
// at the fake Bot Connector and are shown here, cards rendered with the
// official adaptivecards renderer, their buttons sent back as
// adaptiveCard/action invokes) and the personal tab in the fake Teams host on
// the other.
package devhost

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

//go:embed assets
var assets embed.FS

// Options configure the dev host.
type Options struct {
	// Driver sends the user's activities to the bot; Connector receives the bot's.
	Driver    *connector.Driver
	Connector *connector.Server
	// User is who chats.
	User demo.User
	// TeamsURL is the fake Teams host page that frames the tab (e.g. /dev/teams/).
	TeamsURL string
	// RendererURL serves the adaptivecards renderer script (from the built UI).
	RendererURL string
	// Wait bounds a long poll for new bot activities (default 20 s).
	Wait time.Duration
	// Logger receives relay errors.
	Logger *slog.Logger
}

// Handler serves the dev host under the prefix it is mounted at (use
// http.StripPrefix): GET / (the page), /assets/*, POST /chat/say,
// GET /chat/events, POST /chat/action, and the compose box's message
// extension: POST /compose/search, /compose/select, /compose/unfurl (compose.go).
type Handler struct {
	o   Options
	mux *http.ServeMux
}

// New returns the handler.
func New(o Options) (*Handler, error) {
	if o.Driver == nil || o.Connector == nil || o.User.ID == "" {
		return nil, errors.New("devhost: a driver, a connector and a user are required")
	}
	if o.Wait <= 0 {
		o.Wait = 20 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{o: o, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.page)
	h.mux.Handle("GET /assets/", http.FileServerFS(assets))
	h.mux.HandleFunc("POST /chat/say", h.say)
	h.mux.HandleFunc("GET /chat/events", h.events)
	h.mux.HandleFunc("POST /chat/action", h.action)
	h.mux.HandleFunc("POST /compose/search", h.search)
	h.mux.HandleFunc("POST /compose/select", h.selectItem)
	h.mux.HandleFunc("POST /compose/unfurl", h.unfurl)
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/dev.html")
	if err != nil {
		http.Error(w, "page missing", http.StatusInternalServerError)
		return
	}
	cfg, _ := json.Marshal(map[string]string{"teamsUrl": h.o.TeamsURL, "rendererUrl": h.o.RendererURL, "user": h.o.User.Name})
	page := strings.Replace(string(b), "{{CONFIG}}", htmlAttr(string(cfg)), 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, page)
}

// htmlAttr escapes s for a double-quoted HTML attribute.
func htmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// conversation is the user's personal conversation with the bot.
func (h *Handler) conversation() string { return h.o.Driver.ConversationID(h.o.User) }

// Install sends the installation events a Teams client sends when the user
// adds the app, so the bot greets them; call it once at start.
func (h *Handler) Install(ctx context.Context) error {
	_, err := h.o.Driver.Install(ctx, h.o.User)
	return err
}

func (h *Handler) say(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&in); err != nil || strings.TrimSpace(in.Text) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "say something"})
		return
	}
	res, err := h.o.Driver.Say(r.Context(), h.o.User, in.Text)
	if err != nil {
		h.o.Logger.WarnContext(r.Context(), "devhost: say failed", "err", err)
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "the bot did not answer: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"status": res.Status})
}

// event is one activity the bot sent, as the page renders it.
type event struct {
	Seq         int             `json:"seq"`
	Op          string          `json:"op"`
	ActivityID  string          `json:"activityId"`
	Text        string          `json:"text,omitempty"`
	Attachments json.RawMessage `json:"attachments,omitempty"`
}

// events long-polls for the bot's activities after sequence number `after`.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	after, err := strconv.Atoi(r.URL.Query().Get("after"))
	if err != nil || after < 0 {
		after = 0
	}
	cid := h.conversation()
	recs := h.o.Connector.Records(cid)
	if len(recs) <= after {
		ctx, cancel := context.WithTimeout(r.Context(), h.o.Wait)
		recs, _ = h.o.Connector.WaitFor(ctx, cid, after+1)
		cancel()
		if len(recs) <= after {
			recs = h.o.Connector.Records(cid)
		}
	}
	out := []event{}
	for i := after; i < len(recs); i++ {
		rec := recs[i]
		e := event{Seq: i + 1, Op: string(rec.Op), ActivityID: rec.ActivityID}
		var body struct {
			Text        string          `json:"text"`
			Attachments json.RawMessage `json:"attachments"`
		}
		json.Unmarshal(rec.Raw, &body)
		e.Text, e.Attachments = body.Text, body.Attachments
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "next": max(after, len(recs))})
}

// action sends a card button's Action.Execute to the bot as an
// adaptiveCard/action invoke and returns the bot's synchronous answer.
func (h *Handler) action(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ActivityID string         `json:"activityId"`
		Verb       string         `json:"verb"`
		Data       map[string]any `json:"data"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.Verb == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "a card action needs a verb"})
		return
	}
	res, err := h.o.Driver.CardAction(r.Context(), h.o.User, in.ActivityID, in.Verb, in.Data, true)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "the bot did not answer: " + err.Error()})
		return
	}
	var body any
	if len(res.Body) > 0 && json.Unmarshal(res.Body, &body) != nil {
		body = string(res.Body)
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": res.Status, "body": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
