package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func TestTabFlowsFilterSortPage(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var all ops.FlowList
	resp := tc.json(t, http.MethodGet, "/api/flows?limit=200", "", http.StatusOK, &all)
	wantCache(t, resp, cacheBriefly)
	if all.Total == 0 || len(all.Items) != all.Total {
		t.Fatalf("total %d, items %d", all.Total, len(all.Items))
	}
	var page ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?offset=2&limit=3", "", http.StatusOK, &page)
	if page.Total != all.Total || len(page.Items) != 3 || page.Items[0].ID != all.Items[2].ID {
		t.Errorf("page: %d items of %d", len(page.Items), page.Total)
	}
	var off ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?state=off&limit=200&unknown=ignored", "", http.StatusOK, &off)
	if off.Total == 0 || off.Total == all.Total {
		t.Errorf("state=off: %d of %d flows", off.Total, all.Total)
	}
	for _, f := range off.Items {
		if f.State == flowdeck.FlowStarted {
			t.Errorf("state=off returned %s (%s)", f.DisplayName, f.State)
		}
	}
	var failing ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?failing=true&sort=failures&desc=true&limit=200", "", http.StatusOK, &failing)
	if failing.Total == 0 {
		t.Fatal("the demo tenant has failures in the last 24 h, none found")
	}
	for i, f := range failing.Items {
		if f.Failures == 0 || i > 0 && f.Failures > failing.Items[i-1].Failures {
			t.Fatalf("failing flows not sorted by failures, most first: %+v", failing.Items)
		}
	}
	var week ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?failing=true&window=7d&limit=200", "", http.StatusOK, &week)
	if week.Total < failing.Total {
		t.Errorf("7 days: %d failing flows, 24 hours: %d", week.Total, failing.Total)
	}
	resp, b := tc.call(t, http.MethodGet, "/api/flows?failing=true&window=30d", "")
	if e := decodeError(t, resp, b); resp.StatusCode != http.StatusBadRequest || e.Code != "invalid" || !strings.Contains(e.Message, "window") {
		t.Errorf("window=30d: %d %+v", resp.StatusCode, e)
	}
	env := all.Items[0].EnvironmentID
	var byEnv ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?limit=200&env="+url.QueryEscape(env), "", http.StatusOK, &byEnv)
	if byEnv.Total == 0 || byEnv.Total == all.Total {
		t.Errorf("env filter: %d of %d", byEnv.Total, all.Total)
	}
	for _, f := range byEnv.Items {
		if f.EnvironmentID != env {
			t.Errorf("env filter let %s through", f.EnvironmentID)
		}
	}
	target := all.Items[len(all.Items)/2]
	var byText ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?q="+url.QueryEscape(strings.ToUpper(target.DisplayName)), "", http.StatusOK, &byText)
	if byText.Total == 0 || !strings.EqualFold(byText.Items[0].DisplayName, target.DisplayName) {
		t.Errorf("q=%s: %+v", target.DisplayName, byText.Items)
	}
	var byOwner ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?limit=200&owner="+target.OwnerID, "", http.StatusOK, &byOwner)
	for _, f := range byOwner.Items {
		if f.OwnerID != target.OwnerID {
			t.Errorf("owner filter let %s through", f.OwnerID)
		}
	}
}

func TestTabFlowTurnOffAndOn(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var list ops.FlowList
	tc.json(t, http.MethodGet, "/api/flows?state=Started&limit=1", "", http.StatusOK, &list)
	f := list.Items[0]
	path := "/api/flows/" + f.EnvironmentID + "/" + f.ID
	var got flowdeck.Flow
	resp := tc.json(t, http.MethodGet, path, "", http.StatusOK, &got)
	wantCache(t, resp, cacheNever)
	if got.ID != f.ID || got.DisplayName != f.DisplayName {
		t.Errorf("GET flow = %+v, want %s", got, f.DisplayName)
	}
	resp = tc.json(t, http.MethodPost, path+"/state", `{"on":false}`, http.StatusOK, &got)
	wantCache(t, resp, cacheNever)
	if got.State != flowdeck.FlowStopped {
		t.Errorf("after turning off: %s", got.State)
	}
	tc.json(t, http.MethodGet, "/api/flows?state=Stopped&limit=200", "", http.StatusOK, &list)
	found := false
	for _, it := range list.Items {
		found = found || it.ID == f.ID
	}
	if !found {
		t.Error("the listing does not show the flow off at once")
	}
	tc.json(t, http.MethodPost, path+"/state", `{"on":true}`, http.StatusOK, &got)
	if got.State != flowdeck.FlowStarted {
		t.Errorf("after turning on: %s", got.State)
	}
}
