package ops

import (
	"context"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// PeopleAPI names people: Power Platform answers carry user object ids
// (flow owners, approval requesters, approvers and responders), and this
// turns them into display names (graph.Names). It never fails: ids it cannot
// name are absent from its answer, and the surfaces show flowdeck.Someone.
type PeopleAPI interface {
	DisplayNames(ctx context.Context, ids []string) map[string]string
}

// names asks People for ids; nil People names no one.
func (s *Service) names(ctx context.Context, ids []string) map[string]string {
	if s.people == nil || len(ids) == 0 {
		return nil
	}
	return s.people.DisplayNames(ctx, ids)
}

// decorateFlows names the owners of flows and links each to the portal, in place.
func (s *Service) decorateFlows(ctx context.Context, flows []*flowdeck.Flow) {
	ids := make([]string, 0, len(flows))
	for _, f := range flows {
		if f.OwnerName == "" && f.OwnerID != "" {
			ids = append(ids, f.OwnerID)
		}
	}
	names := s.names(ctx, ids)
	for _, f := range flows {
		if f.OwnerName == "" {
			f.OwnerName = names[strings.ToLower(f.OwnerID)]
		}
		f.Link = s.portal.Flow(*f)
	}
}

func (s *Service) decorateFlow(ctx context.Context, f flowdeck.Flow) flowdeck.Flow {
	s.decorateFlows(ctx, []*flowdeck.Flow{&f})
	return f
}

func (s *Service) decorateRows(ctx context.Context, rows []FlowRow) {
	ptrs := make([]*flowdeck.Flow, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i].Flow
	}
	s.decorateFlows(ctx, ptrs)
}

// decorateApprovals names the people of approvals whose answer carried only
// an id or an address (requester, approvers, responders) and sets each
// approval's portal link when it has none. It returns a copy: the approvals
// may be shared with a cache.
func (s *Service) decorateApprovals(ctx context.Context, in []flowdeck.Approval) []flowdeck.Approval {
	as := slices.Clone(in)
	var people []*flowdeck.Person
	for i := range as {
		a := &as[i]
		a.Approvers, a.Responses = slices.Clone(a.Approvers), slices.Clone(a.Responses)
		people = append(people, &a.Requester)
		for j := range a.Approvers {
			people = append(people, &a.Approvers[j])
		}
		for j := range a.Responses {
			people = append(people, &a.Responses[j].Responder)
		}
		if a.Link == "" {
			a.Link = s.portal.ApprovalURL(a.EnvironmentID, a.ID, a.Role)
		}
	}
	var ids []string
	for _, p := range people {
		if p.Name == "" && p.ID != "" {
			ids = append(ids, p.ID)
		}
	}
	names := s.names(ctx, ids)
	for _, p := range people {
		if p.Name == "" {
			p.Name = names[strings.ToLower(p.ID)]
		}
	}
	return as
}

func (s *Service) decorateApproval(ctx context.Context, a flowdeck.Approval) flowdeck.Approval {
	return s.decorateApprovals(ctx, []flowdeck.Approval{a})[0]
}

// linkRuns returns runs with their portal links.
func (s *Service) linkRuns(in []flowdeck.Run) []flowdeck.Run {
	runs := slices.Clone(in)
	for i := range runs {
		runs[i].Link = s.portal.Run(runs[i])
	}
	return runs
}
