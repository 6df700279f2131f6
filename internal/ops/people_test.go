package ops_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/logtest"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// setupPeople is ops on the local cloud with names from the fake Graph and
// the portal of the named cloud.
func setupPeople(t *testing.T, cloudName string) (*ops.Service, *cloudtest.Cloud, *logtest.Buffer) {
	t.Helper()
	c := cloudtest.New(t, cloudtest.Options{})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &logtest.Buffer{}
	names := graph.NewNames(graph.NamesOptions{Client: c.GraphClient, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	cl, _ := cloud.Get(cloudName)
	return ops.New(ops.Options{Flows: c.Flows, Overview: c.Overview, Apps: c.Apps, Subscriptions: st,
		People: names, Portal: flowdeck.Portal(cl.FlowPortal)}), c, logs
}

func nameOf(id string) string {
	for _, u := range demo.Users() {
		if strings.EqualFold(u.ID, id) {
			return u.Name
		}
	}
	return ""
}

func TestFlowOwnersByName(t *testing.T) {
	s, _, _ := setupPeople(t, cloud.Public)
	list, err := s.Flows(cloudtest.As(cloudtest.Adele()), ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, f := range list.Items {
		if f.OwnerID == "" {
			continue
		}
		if want := nameOf(f.OwnerID); want != "" && f.OwnerName != want {
			t.Errorf("%s: owner %q, want %q", f.DisplayName, f.OwnerName, want)
		}
		if f.OwnerName != "" {
			named++
		}
		if !strings.HasPrefix(f.Link, "https://make.powerautomate.com/environments/"+f.EnvironmentID+"/flows/"+f.ID) {
			t.Errorf("%s: link %q", f.DisplayName, f.Link)
		}
	}
	if named == 0 {
		t.Fatal("no flow owner was named")
	}
}

func TestApprovalPeopleByName(t *testing.T) {
	s, _, _ := setupPeople(t, cloud.Public)
	ctx := cloudtest.As(cloudtest.Adele())
	rep, err := s.Approvals(ctx, flowdeck.RoleApprover, true)
	if err != nil || len(rep.Approvals) == 0 {
		t.Fatalf("approvals: %v, %d", err, len(rep.Approvals))
	}
	// approvals/{id} carries the requester without a display name (only an
	// id and an address): the name comes from Graph.
	a, err := s.Approval(ctx, rep.Approvals[0].EnvironmentID, rep.Approvals[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := nameOf(a.Requester.ID); want == "" || a.Requester.Name != want {
		t.Errorf("requester %+v, want %q", a.Requester, want)
	}
	for _, p := range a.Approvers {
		if want := nameOf(p.ID); p.Name != want {
			t.Errorf("approver %+v, want %q", p, want)
		}
	}
	if !strings.Contains(a.Link, "https://make.powerautomate.com/environments/") || !strings.Contains(a.Link, "/approvals/received/") {
		t.Errorf("link %q", a.Link)
	}
}

func TestPeopleWithoutGraphPermission(t *testing.T) {
	s, c, logs := setupPeople(t, cloud.Public)
	c.Tokens.SetScopes(identity.Graph, "User.Read")
	ctx := cloudtest.As(cloudtest.Adele())
	list, err := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatalf("the flows view failed with the names: %v", err)
	}
	for _, f := range list.Items {
		if f.OwnerName != "" {
			t.Errorf("%s named %q without User.ReadBasic.All", f.DisplayName, f.OwnerName)
		}
	}
	rep, err := s.Approvals(ctx, flowdeck.RoleApprover, true)
	if err != nil || len(rep.Approvals) == 0 {
		t.Fatalf("approvals without the names: %v", err)
	}
	a, err := s.Approval(ctx, rep.Approvals[0].EnvironmentID, rep.Approvals[0].ID)
	if err != nil || a.Requester.Name != "" || a.Requester.ID == "" {
		t.Errorf("approval without the names: %+v, %v; want the requester by id only", a.Requester, err)
	}
	if n := strings.Count(logs.String(), "without their names"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logs)
	}
}

// Every cloud's portal is where the links point.
func TestLinksUseTheCloudsPortal(t *testing.T) {
	for _, name := range cloud.Names() {
		t.Run(name, func(t *testing.T) {
			s, _, _ := setupPeople(t, name)
			cl, _ := cloud.Get(name)
			ctx := cloudtest.As(cloudtest.Adele())
			list, err := s.Flows(ctx, ops.FlowQuery{Limit: 1})
			if err != nil || len(list.Items) != 1 {
				t.Fatalf("flows: %v", err)
			}
			f := list.Items[0]
			if want := cl.FlowPortal + "/environments/" + f.EnvironmentID + "/flows/" + f.ID + "/details"; f.Link != want {
				t.Errorf("flow link %q, want %q", f.Link, want)
			}
			page, err := s.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Top: 1}, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Runs {
				if !strings.HasPrefix(r.Link, cl.FlowPortal+"/environments/") {
					t.Errorf("run link %q", r.Link)
				}
			}
			rep, err := s.Approvals(ctx, flowdeck.RoleApprover, true)
			if err != nil || len(rep.Approvals) == 0 {
				t.Fatalf("approvals: %v", err)
			}
			if l := rep.Approvals[0].Link; !strings.HasPrefix(l, cl.FlowPortal+"/environments/") {
				t.Errorf("approval link %q", l)
			}
		})
	}
}
