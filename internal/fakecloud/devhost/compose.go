package devhost

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
)

// The compose box's message extension, as the Teams client runs it: a
// search sends composeExtension/query, choosing a result
// composeExtension/selectItem with the result's tap value, and a pasted
// link composeExtension/queryLink (only for the manifest's link domains).
// Each answers with the bot's synchronous answer, {status, body}.

// chat is the conversation whose compose box the page plays: the user's
// personal chat with the bot.
func (h *Handler) chat() connector.Chat { return h.o.Driver.PersonalChat(h.o.User) }

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Command string `json:"command"`
		Text    string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || in.Command == "" || len(in.Text) > 200 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "a search needs a command and at most 200 bytes of text"})
		return
	}
	res, err := h.o.Driver.ComposeQuery(r.Context(), h.o.User, h.chat(), in.Command, strings.TrimSpace(in.Text), 0, 10)
	h.relay(w, res, err)
}

func (h *Handler) selectItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Value map[string]any `json:"value"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || len(in.Value) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "choose a result"})
		return
	}
	res, err := h.o.Driver.SelectItem(r.Context(), h.o.User, h.chat(), in.Value)
	h.relay(w, res, err)
}

func (h *Handler) unfurl(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || in.URL == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "paste a link"})
		return
	}
	res, err := h.o.Driver.QueryLink(r.Context(), h.o.User, h.chat(), strings.TrimSpace(in.URL))
	if err != nil && res.Status == 0 {
		// Not a domain of the manifest: Teams sends nothing, the link stays a link.
		writeJSON(w, http.StatusOK, map[string]any{"status": 0, "body": nil})
		return
	}
	h.relay(w, res, err)
}

// relay returns the bot's answer to the page.
func (h *Handler) relay(w http.ResponseWriter, res connector.Result, err error) {
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
