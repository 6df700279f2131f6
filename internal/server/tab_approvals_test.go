package server

import (
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestTabApprovals(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var rep flowdeck.ApprovalsReport
	resp := tc.json(t, http.MethodGet, "/api/approvals", "", http.StatusOK, &rep)
	wantCache(t, resp, cacheNever)
	if len(rep.Approvals) != 5 {
		t.Fatalf("%d pending received approvals, want 5", len(rep.Approvals))
	}
	var sent flowdeck.ApprovalsReport
	tc.json(t, http.MethodGet, "/api/approvals?role=sent&active=false", "", http.StatusOK, &sent)
	for _, a := range sent.Approvals {
		if a.Role != flowdeck.RoleOwner {
			t.Errorf("sent approvals include one with role %q", a.Role)
		}
	}

	a := rep.Approvals[0]
	path := "/api/approvals/" + a.EnvironmentID + "/" + a.ID
	var got flowdeck.Approval
	tc.json(t, http.MethodGet, path, "", http.StatusOK, &got)
	if got.ID != a.ID || got.Status != flowdeck.ApprovalPending || len(got.Options) == 0 {
		t.Fatalf("GET approval: %+v", got)
	}
	tc.json(t, http.MethodPost, path+"/respond", `{"response":"`+got.Options[0]+`","comments":"Looks good"}`, http.StatusOK, &got)
	if n := len(got.Responses); n == 0 || got.Responses[n-1].Comments != "Looks good" || got.Responses[n-1].Response != a.Options[0] {
		t.Errorf("responses after answering: %+v", got.Responses)
	}
	resp, b := tc.call(t, http.MethodPost, path+"/respond", `{"response":"`+got.Options[0]+`"}`)
	if e := decodeError(t, resp, b); resp.StatusCode != http.StatusConflict || e.Code != "conflict" {
		t.Errorf("answering twice: %d %+v", resp.StatusCode, e)
	}
	tc.json(t, http.MethodGet, "/api/approvals", "", http.StatusOK, &rep)
	if len(rep.Approvals) != 4 {
		t.Errorf("%d pending after answering one of 5", len(rep.Approvals))
	}
}
