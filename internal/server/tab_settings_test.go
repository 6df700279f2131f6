package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func TestTabSettingsRoundTrip(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var got settingsResponse
	resp := tc.json(t, http.MethodGet, "/api/settings", "", http.StatusOK, &got)
	wantCache(t, resp, cacheNever)
	if got.Settings.TimeZone != "UTC" || got.Watches == nil || len(got.Watches) != 0 {
		t.Errorf("defaults: %+v", got)
	}
	var st flowdeck.UserSettings
	tc.json(t, http.MethodPut, "/api/settings", `{"timeZone":"Europe/Paris","digestTime":"08:30","quietStart":"22:00","quietEnd":"07:00"}`, http.StatusOK, &st)
	if st.TimeZone != "Europe/Paris" || st.UserID != cloudtest.Adele().ID || st.TenantID != demo.TenantID {
		t.Errorf("PUT answered %+v", st)
	}
	tc.json(t, http.MethodGet, "/api/settings", "", http.StatusOK, &got)
	if s := got.Settings; s.TimeZone != "Europe/Paris" || s.DigestTime != "08:30" || s.QuietStart != "22:00" || s.QuietEnd != "07:00" {
		t.Errorf("stored settings: %+v", s)
	}
	// ops judges what the values mean: still 400, still nothing stored.
	resp, b := tc.call(t, http.MethodPut, "/api/settings", `{"timeZone":"Mars/Olympus"}`)
	if e := decodeError(t, resp, b); resp.StatusCode != http.StatusBadRequest || e.Code != "invalid" || e.Detail["field"] != "timeZone" {
		t.Errorf("unknown time zone: %d %+v", resp.StatusCode, e)
	}
	resp, b = tc.call(t, http.MethodPut, "/api/settings", `{"timeZone":"Europe/Paris","quietStart":"22:00","quietEnd":"22:00"}`)
	if e := decodeError(t, resp, b); resp.StatusCode != http.StatusBadRequest || e.Detail["field"] != "quietEnd" || !strings.Contains(e.Message, "Quiet hours") {
		t.Errorf("empty quiet hours: %d %+v", resp.StatusCode, e)
	}
	tc.json(t, http.MethodGet, "/api/settings", "", http.StatusOK, &got)
	if s := got.Settings; s.TimeZone != "Europe/Paris" || s.QuietEnd != "07:00" {
		t.Errorf("refused settings were stored: %+v", s)
	}
}

func TestTabWatchesRoundTrip(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var list ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?limit=1", "", http.StatusOK, &list)
	f := list.Items[0]
	var all, flow flowdeck.Subscription
	resp := tc.json(t, http.MethodPost, "/api/watches", `{"target":"all"}`, http.StatusCreated, &all)
	wantCache(t, resp, cacheNever)
	if all.ID == "" || all.Target != flowdeck.WatchAll || all.UserID != cloudtest.Adele().ID {
		t.Errorf("watch all: %+v", all)
	}
	tc.json(t, http.MethodPost, "/api/watches",
		`{"target":"flow","environmentId":"`+f.EnvironmentID+`","flowId":"`+f.ID+`","flowName":"`+f.DisplayName+`"}`, http.StatusCreated, &flow)
	if flow.FlowID != f.ID || flow.FlowName != f.DisplayName {
		t.Errorf("watch flow: %+v", flow)
	}
	var got settingsResponse
	tc.json(t, http.MethodGet, "/api/settings", "", http.StatusOK, &got)
	if len(got.Watches) != 2 {
		t.Fatalf("%d watches, want 2", len(got.Watches))
	}
	resp, b := tc.call(t, http.MethodDelete, "/api/watches/"+all.ID, "")
	if resp.StatusCode != http.StatusNoContent || len(b) != 0 {
		t.Errorf("DELETE: %d %s", resp.StatusCode, b)
	}
	tc.json(t, http.MethodGet, "/api/settings", "", http.StatusOK, &got)
	if len(got.Watches) != 1 || got.Watches[0].ID != flow.ID {
		t.Errorf("after unwatching: %+v", got.Watches)
	}
	resp, b = tc.call(t, http.MethodDelete, "/api/watches/"+all.ID, "")
	if e := decodeError(t, resp, b); resp.StatusCode != http.StatusNotFound || e.Code != "not_found" {
		t.Errorf("DELETE again: %d %+v", resp.StatusCode, e)
	}
}

func TestTabSignOut(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	resp, b := tc.call(t, http.MethodPost, "/api/signout", "")
	if resp.StatusCode != http.StatusNoContent || len(b) != 0 {
		t.Fatalf("signout: %d %s", resp.StatusCode, b)
	}
	wantCache(t, resp, cacheNever)
	got := tc.signedOut()
	if len(got) != 1 || got[0].UserID != cloudtest.Adele().ID || got[0].TenantID != demo.TenantID {
		t.Errorf("SignOut called with %+v", got)
	}
}
