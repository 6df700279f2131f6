package ops_test

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func TestSearch(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	for _, kind := range []string{ops.SearchFlows, ops.SearchFailed, ops.SearchApprovals} {
		t.Run(kind, func(t *testing.T) {
			all, err := s.Search(ctx, kind, "", 0, ops.MaxSearchResults)
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Hits) == 0 {
				t.Fatalf("no %s in the demo tenant", kind)
			}
			q := "invoice"
			if kind == ops.SearchApprovals {
				q = "approve"
			}
			got, err := s.Search(ctx, kind, strings.ToUpper(q), 0, ops.MaxSearchResults)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Hits) == 0 {
				t.Fatalf("%q found no %s", q, kind)
			}
			started := true
			for _, h := range got.Hits {
				if h.Kind != kind {
					t.Errorf("hit of kind %q", h.Kind)
				}
				name := h.Flow.DisplayName
				if kind == ops.SearchApprovals {
					name = h.Approval.Title
					if h.Approval.Status != flowdeck.ApprovalPending {
						t.Errorf("approval %s is %s", h.Approval.ID, h.Approval.Status)
					}
				}
				if kind == ops.SearchFailed && (h.Run.Status != flowdeck.RunFailed || h.Run.ID == "") {
					t.Errorf("failed hit with run %+v", h.Run)
				}
				low := strings.ToLower(name)
				if !strings.Contains(low, q) {
					t.Errorf("%q matched %q", q, name)
				}
				// Names starting with the text come first.
				if !strings.HasPrefix(low, q) {
					started = false
				} else if !started {
					t.Errorf("%q ranked after a name that only contains %q", name, q)
				}
			}
			page, err := s.Search(ctx, kind, "", 1, 1)
			if err != nil || len(page.Hits) != 1 || len(all.Hits) > 1 && hitID(page.Hits[0]) != hitID(all.Hits[1]) {
				t.Errorf("skip 1 count 1 = %+v, %v", page.Hits, err)
			}
		})
	}
	for _, bad := range []struct {
		kind        string
		skip, count int
	}{{"runs", 0, 5}, {ops.SearchFlows, -1, 5}, {ops.SearchFlows, 0, 0}, {ops.SearchFlows, 0, ops.MaxSearchResults + 1}} {
		if _, err := s.Search(ctx, bad.kind, "x", bad.skip, bad.count); flowdeck.KindOf(err) != flowdeck.ErrInvalid {
			t.Errorf("Search(%q, skip %d, count %d) = %v, want invalid", bad.kind, bad.skip, bad.count, err)
		}
	}
	if none, err := s.Search(ctx, ops.SearchFlows, "no flow is called this", 0, 5); err != nil || len(none.Hits) != 0 {
		t.Errorf("nonsense found %+v, %v", none.Hits, err)
	}
}

func hitID(h ops.SearchHit) string { return h.Flow.ID + "/" + h.Run.ID + "/" + h.Approval.ID }
