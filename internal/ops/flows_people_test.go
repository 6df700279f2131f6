package ops_test

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// "My flows" are the flows the caller created, "shared with me" those they
// can see that someone else created: together every flow, and the demo
// tenant has both.
func TestFlowsMineAndSharedWithMe(t *testing.T) {
	s, _, _ := setupPeople(t, cloud.Public)
	me := cloudtest.Adele()
	ctx := cloudtest.As(me)
	all, err := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.Flows(ctx, ops.FlowQuery{Whose: ops.WhoseMine, Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	shared, err := s.Flows(ctx, ops.FlowQuery{Whose: ops.WhoseShared, Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if mine.Total == 0 || shared.Total == 0 || mine.Total+shared.Total != all.Total {
		t.Fatalf("%d mine + %d shared with me, of %d flows; want both and together all", mine.Total, shared.Total, all.Total)
	}
	for _, f := range mine.Items {
		if !strings.EqualFold(f.OwnerID, me.ID) {
			t.Errorf("my flow %s was created by %s", f.DisplayName, f.OwnerID)
		}
	}
	for _, f := range shared.Items {
		if strings.EqualFold(f.OwnerID, me.ID) {
			t.Errorf("flow %s shared with me is mine", f.DisplayName)
		}
		if f.OwnerName == "" || f.OwnerName == me.Name {
			t.Errorf("flow %s shared with me: owner named %q", f.DisplayName, f.OwnerName)
		}
	}
}

// The person search matches the owners' display names (any case, spacing
// forgiven), never their ids, and finds nothing for a name no owner has.
func TestFlowsByPersonName(t *testing.T) {
	s, _, _ := setupPeople(t, cloud.Public)
	me := cloudtest.Adele()
	ctx := cloudtest.As(me)
	all, err := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var other string
	for _, f := range all.Items {
		if f.OwnerName != "" && f.OwnerName != me.Name {
			other = f.OwnerName
			break
		}
	}
	if other == "" {
		t.Fatal("no flow of someone else is named")
	}
	for _, search := range []string{
		strings.ToLower(strings.Fields(other)[0]),
		"  " + strings.ToUpper(strings.Join(strings.Fields(other), "   ")) + " ",
	} {
		want := 0
		for _, f := range all.Items {
			if strings.Contains(strings.ToLower(nameOf(f.OwnerID)), strings.ToLower(strings.Join(strings.Fields(search), " "))) {
				want++
			}
		}
		got, err := s.Flows(ctx, ops.FlowQuery{Person: search, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want || want == 0 {
			t.Errorf("person %q: %d flows, want %d (and some)", search, got.Total, want)
		}
		for _, f := range got.Items {
			if !strings.Contains(strings.ToLower(f.OwnerName), strings.ToLower(strings.Fields(other)[0])) {
				t.Errorf("person %q kept %s of %q", search, f.DisplayName, f.OwnerName)
			}
		}
	}
	for _, search := range []string{"Nobody Atall", me.ID[:8]} {
		got, err := s.Flows(ctx, ops.FlowQuery{Person: search})
		if err != nil || got.Total != 0 || got.Items == nil {
			t.Errorf("person %q: %d flows (items %v), %v; want none, as an empty list", search, got.Total, got.Items, err)
		}
	}
	mineByName, err := s.Flows(ctx, ops.FlowQuery{Person: me.Name, Whose: ops.WhoseShared})
	if err != nil || mineByName.Total != 0 {
		t.Errorf("my name among flows shared with me: %d, %v; want none", mineByName.Total, err)
	}
	if _, err := s.Flows(ctx, ops.FlowQuery{Person: strings.Repeat("é", ops.MaxPersonSearch+1)}); err == nil {
		t.Error("a person search longer than the bound was accepted")
	}
	if _, err := s.Flows(ctx, ops.FlowQuery{Whose: "everyone"}); err == nil {
		t.Error("whose=everyone was accepted")
	}
}

// Without the permission to read names, the person search matches no one
// and does not fail the listing.
func TestFlowsByPersonWithoutNames(t *testing.T) {
	s, c, _ := setupPeople(t, cloud.Public)
	c.Tokens.SetScopes(identity.Graph, "User.Read")
	got, err := s.Flows(cloudtest.As(cloudtest.Adele()), ops.FlowQuery{Person: "a"})
	if err != nil || got.Total != 0 {
		t.Errorf("%d flows, %v; want none and no failure", got.Total, err)
	}
}
