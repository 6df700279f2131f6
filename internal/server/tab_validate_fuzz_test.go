package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// FuzzTabQuery reads an arbitrary query string the way the tab's list routes
// do. Whatever comes in, every value read is within its declared bounds, and
// a refusal is an "invalid" error with a sentence for the user.
func FuzzTabQuery(f *testing.F) {
	for _, seed := range []string{
		"", "limit=50", "limit=0", "limit=+5", "limit=99999999999999999999", "limit=1&limit=2",
		"q=approve%20me", "q=%00", "q=%ff%fe", "sort=name&desc=true", "desc=yes", "owner=0b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b",
		"owner=not-a-guid", "state=Started;state=Stopped", "%zz", "q=" + strings.Repeat("x", 300),
	} {
		f.Add(seed)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/flows", nil)
		req.URL.RawQuery = raw
		q := newQuery(e.NewContext(req, httptest.NewRecorder()))
		limit := q.integer("limit", 50, 1, 200)
		text := q.text("q", 100)
		sortBy := q.enum("sort", "name", "name", "modified", "state")
		desc := q.boolean("desc", false)
		owner := q.guid("owner")

		if limit < 1 || limit > 200 {
			t.Errorf("limit %d is outside [1, 200]", limit)
		}
		if utf8.RuneCountInString(text) > 100 || !utf8.ValidString(text) || strings.IndexFunc(text, unicode.IsControl) >= 0 {
			t.Errorf("text %q is not at most 100 printable characters", text)
		}
		if !slices.Contains([]string{"name", "modified", "state"}, sortBy) {
			t.Errorf("sort %q is not one of the allowed values", sortBy)
		}
		if owner != "" && !guidRE.MatchString(owner) {
			t.Errorf("owner %q is not a guid", owner)
		}
		if desc && !slices.Equal(q.v["desc"], []string{"true"}) {
			t.Errorf("desc is true, but the query does not say desc=true once")
		}
		if q.err == nil {
			return
		}
		if !errors.Is(q.err, flowdeck.ErrInvalid) {
			t.Errorf("refusal %v is not an invalid-input error", q.err)
		}
		if msg := flowdeck.Message(q.err); msg == "" || !strings.HasSuffix(msg, ".") {
			t.Errorf("refusal message %q is not a sentence", msg)
		}
	})
}

// FuzzTabJSONBody decodes an arbitrary body under an arbitrary Content-Type
// the way the tab's mutating routes do: a body is accepted only when it is
// one JSON object of known fields with the right types, and every refusal
// is an "invalid" error with a sentence.
func FuzzTabJSONBody(f *testing.F) {
	for _, s := range []struct{ ct, body string }{
		{"application/json", `{"runIds":["A1","B2"]}`},
		{"application/json; charset=utf-8", `{"runIds":[]}`},
		{"application/json", `{"runIds":"A1"}`},
		{"application/json", `{"runIds":["A1"],"extra":1}`},
		{"application/json", `{"runIds":["A1"]}{"runIds":["A2"]}`},
		{"application/json", `[1,2]`},
		{"text/plain", `{"runIds":["A1"]}`},
		{"application/json", `{"runIds":["\u0000"]}`},
		{"application/json", "\xff\xfe{"},
		{"", ""},
	} {
		f.Add(s.ct, s.body)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, ctype, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/runs/cancel", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, ctype)
		var dst bulkRequest
		err := decodeJSON(e.NewContext(req, httptest.NewRecorder()), &dst)
		if err == nil {
			var check map[string]json.RawMessage
			if jerr := json.Unmarshal([]byte(body), &check); jerr != nil {
				t.Fatalf("accepted a body that is not one JSON object: %v", jerr)
			}
			for k := range check {
				if !strings.EqualFold(k, "runIds") {
					t.Errorf("accepted an unknown field %q", k)
				}
			}
			return
		}
		if !errors.Is(err, flowdeck.ErrInvalid) {
			t.Errorf("refusal %v is not an invalid-input error", err)
		}
		if msg := flowdeck.Message(err); msg == "" || !strings.HasSuffix(msg, ".") {
			t.Errorf("refusal message %q is not a sentence", msg)
		}
	})
}

// FuzzRunContentQuery reads an arbitrary query the way the run routes do
// (the run list's filter and the run-content request): whatever comes in,
// an accepted part is inputs or outputs, an accepted action is a name
// without path or query characters, the window is one of the list, and a
// refusal is an "invalid" error with a sentence.
func FuzzRunContentQuery(f *testing.F) {
	for _, seed := range []string{
		"part=inputs", "part=outputs&action=Send_an_email", "part=inputs&action=", "part=inputs&action=a%2Fb",
		"part=body", "part=inputs&part=outputs", "action=%00&part=inputs", "status=Failed&window=7d",
		"window=2d", "window=1h&window=24h", "top=0", "%zz",
	} {
		f.Add(seed)
	}
	e := echo.New()
	now := time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/flows/x/y/runs", nil)
		req.URL.RawQuery = raw
		q := newQuery(e.NewContext(req, httptest.NewRecorder()))
		rf := runFilter(q, now)
		if q.err == nil {
			if !rf.Since.IsZero() && now.Sub(rf.Since) > 28*24*time.Hour+time.Second {
				t.Errorf("window reaches back to %s", rf.Since)
			}
			if rf.Top < 0 || rf.Top > maxRunPage {
				t.Errorf("top %d", rf.Top)
			}
		}
		q = newQuery(e.NewContext(req, httptest.NewRecorder()))
		part, action := contentQuery(q)
		if q.err == nil {
			if part != flowdeck.ContentInputs && part != flowdeck.ContentOutputs {
				t.Errorf("accepted part %q", part)
			}
			if strings.ContainsAny(action, "/\\?#%") || !printable(action, maxActionName) {
				t.Errorf("accepted action %q", action)
			}
			return
		}
		if !errors.Is(q.err, flowdeck.ErrInvalid) {
			t.Errorf("refusal %v is not an invalid-input error", q.err)
		}
		if msg := flowdeck.Message(q.err); msg == "" || !strings.HasSuffix(msg, ".") {
			t.Errorf("refusal message %q is not a sentence", msg)
		}
	})
}

// FuzzFlowsQuery reads an arbitrary query string the way GET /api/flows does:
// an accepted query holds only values the listing knows (window 24h or 7d,
// sort and state from their lists, whose mine, shared or empty, person at
// most ops.MaxPersonSearch printable characters, bounded paging), and a refusal is an
// "invalid" error with a sentence.
func FuzzFlowsQuery(f *testing.F) {
	for _, seed := range []string{
		"", "failing=true&window=7d", "window=24h", "window=30d", "window=7D", "window=7d&window=24h",
		"state=off&sort=failures&desc=true", "offset=-1", "limit=201", "owner=x", "env=" + strings.Repeat("e", 200),
		"whose=mine", "whose=shared", "whose=", "whose=Mine", "whose=mine&whose=shared", "whose=others",
		"person=megan", "person=Megan%20Bowen", "person=%00", "person=%ff", "person=" + strings.Repeat("é", 101),
		"person=a&whose=shared&state=off&failing=true&window=7d&sort=failures&desc=true&offset=50&limit=200",
		"owner=0b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b&whose=mine", "%zz", "person=%E2%80%AE",
		"failing=true&snapshot=true", "failing=true&refresh=true&window=7d", "snapshot=yes", "refresh=1",
		"snapshot=true&snapshot=false", "refresh=TRUE", "snapshot=", "failing=true&snapshot=true&refresh=true&sort=failures",
	} {
		f.Add(seed)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/flows", nil)
		req.URL.RawQuery = raw
		fq, err := flowQueryOf(newQuery(e.NewContext(req, httptest.NewRecorder())))
		if err != nil {
			if !errors.Is(err, flowdeck.ErrInvalid) {
				t.Errorf("refusal %v is not an invalid-input error", err)
			}
			if msg := flowdeck.Message(err); msg == "" || !strings.HasSuffix(msg, ".") {
				t.Errorf("refusal message %q is not a sentence", msg)
			}
			return
		}
		if fq.Window != "24h" && fq.Window != "7d" {
			t.Errorf("window %q accepted", fq.Window)
		}
		if fq.Limit < 1 || fq.Limit > ops.MaxPageSize || fq.Offset < 0 || fq.Offset > maxOffset {
			t.Errorf("paging %d+%d accepted", fq.Offset, fq.Limit)
		}
		if !slices.Contains([]string{"", "Started", "Stopped", "Suspended", "off"}, fq.State) {
			t.Errorf("state %q accepted", fq.State)
		}
		if fq.Owner != "" && !guidRE.MatchString(fq.Owner) {
			t.Errorf("owner %q accepted", fq.Owner)
		}
		if utf8.RuneCountInString(fq.Environment) > 128 || utf8.RuneCountInString(fq.Text) > 200 {
			t.Errorf("text beyond its bounds accepted: %q %q", fq.Environment, fq.Text)
		}
		if !slices.Contains([]string{"", ops.WhoseMine, ops.WhoseShared}, fq.Whose) {
			t.Errorf("whose %q accepted", fq.Whose)
		}
		if !printable(fq.Person, ops.MaxPersonSearch) {
			t.Errorf("person %q accepted: not at most %d printable characters", fq.Person, ops.MaxPersonSearch)
		}
		vals := req.URL.Query()
		if v, ok := vals["whose"]; ok && (len(v) != 1 || v[0] != fq.Whose) {
			t.Errorf("whose %q read as %q", v, fq.Whose)
		}
		if v, ok := vals["person"]; ok && (len(v) != 1 || v[0] != fq.Person) {
			t.Errorf("person %q read as %q", v, fq.Person)
		}
		for name, got := range map[string]bool{"snapshot": fq.Snapshot, "refresh": fq.Refresh} {
			if v, ok := vals[name]; ok && (len(v) != 1 || v[0] != strconv.FormatBool(got)) || !ok && got {
				t.Errorf("%s %q read as %v", name, v, got)
			}
		}
	})
}
