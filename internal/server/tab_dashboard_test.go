package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// liveTab serves the tab API with dashboard snapshots kept in a SQLite store.
func liveTab(tb testing.TB) (*cloudtest.Cloud, http.Handler, string) {
	tb.Helper()
	cloud, opts, tok := tabDeps(tb, cloudtest.Options{})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := sqlstore.Open(tb.Context(), sqlstore.Options{URL: tb.TempDir() + "/snap.db", Keyring: k})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	opts.Ops = ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st, Snapshots: st})
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return cloud, s.Handler(), tok
}

// stream calls GET /api/dashboard/live?query and returns its status and events.
func stream(tb testing.TB, h http.Handler, tok, query string) (int, []liveEvent) {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/dashboard/live", nil)
	req.URL.RawQuery = query
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return rec.Code, nil
	}
	var evs []liveEvent
	for line := range strings.Lines(rec.Body.String()) {
		var e liveEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			tb.Fatalf("line %q: %v", line, err)
		}
		evs = append(evs, e)
	}
	return rec.Code, evs
}

// TestDashboardLiveStreamsThenServesSnapshot: a first open streams each
// failing flow, then the whole answer; the next open gets that answer at
// once as the snapshot (with its time) and, being fresh, asks nothing upstream.
func TestDashboardLiveStreamsThenServesSnapshot(t *testing.T) {
	cloud, h, tok := liveTab(t)
	code, evs := stream(t, h, tok, "window=7d")
	if code != http.StatusOK || len(evs) < 2 || evs[0].Kind != "failing" || evs[len(evs)-1].Kind != "done" {
		t.Fatalf("first open: %d, %d events, first %+v", code, len(evs), evs)
	}
	done := evs[len(evs)-1].Dashboard
	if done.FromSnapshot || done.AsOf.IsZero() || len(done.Failing) != len(evs)-1 {
		t.Fatalf("done: fromSnapshot %v, asOf %v, %d failing for %d streamed", done.FromSnapshot, done.AsOf, len(done.Failing), len(evs)-1)
	}
	cloud.PP.ResetRequests()
	code, evs = stream(t, h, tok, "window=7d")
	if code != http.StatusOK || len(evs) != 2 || evs[0].Kind != "snapshot" || evs[1].Kind != "done" {
		t.Fatalf("second open: %d, %+v", code, evs)
	}
	snap := evs[0].Dashboard
	if !snap.FromSnapshot || !snap.AsOf.Equal(done.AsOf.Truncate(time.Microsecond)) || len(snap.Failing) != len(done.Failing) {
		t.Fatalf("snapshot: fromSnapshot %v, asOf %v (want %v), %d failing (want %d)", snap.FromSnapshot, snap.AsOf, done.AsOf, len(snap.Failing), len(done.Failing))
	}
	if n := len(cloud.PP.Requests()); n != 0 {
		t.Fatalf("the second open made %d upstream calls; the fresh snapshot answers", n)
	}
	// The other window has no snapshot yet.
	if _, evs = stream(t, h, tok, "window=24h"); len(evs) == 0 || evs[0].Kind == "snapshot" {
		t.Fatalf("24h: %+v", evs)
	}
}

// TestDashboardLiveBadInput: a bad query is refused with 400 before anything
// is asked upstream.
func TestDashboardLiveBadInput(t *testing.T) {
	cloud, h, tok := liveTab(t)
	for _, q := range []string{"window=1h", "window=24h&window=7d", "refresh=yes", "refresh=true&refresh=true"} {
		cloud.PP.ResetRequests()
		if code, _ := stream(t, h, tok, q); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, code)
		}
		if n := len(cloud.PP.Requests()); n != 0 {
			t.Errorf("%s: %d upstream calls on bad input", q, n)
		}
	}
}

// FuzzDashboardLiveQuery sends arbitrary query strings to the live dashboard:
// an answer is 200 only for a valid window and refresh, every refusal is a
// 400, and a refusal asks nothing upstream.
func FuzzDashboardLiveQuery(f *testing.F) {
	for _, s := range []string{"", "window=24h", "window=7d&refresh=true", "window=1h", "refresh=1", "window=%00", "window=24h&window=24h", "%zz", "a=b"} {
		f.Add(s)
	}
	cloud, h, tok := liveTab(f)
	f.Fuzz(func(t *testing.T, raw string) {
		before := len(cloud.PP.Requests())
		code, _ := stream(t, h, tok, raw)
		switch code {
		case http.StatusOK:
		case http.StatusBadRequest:
			if n := len(cloud.PP.Requests()); n != before {
				t.Errorf("%q: refused, yet %d upstream calls", raw, n-before)
			}
		default:
			t.Errorf("%q: status %d", raw, code)
		}
	})
}
