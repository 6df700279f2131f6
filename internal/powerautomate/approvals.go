package powerautomate

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// MaxComments is the longest comment a response may carry, in characters.
const MaxComments = 1000

type wirePerson struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Email             string `json:"email"`
	UserPrincipalName string `json:"userPrincipalName"`
}

func (w wirePerson) domain() flowdeck.Person {
	return flowdeck.Person{ID: w.ID, Name: w.DisplayName, Email: cmp.Or(w.Email, w.UserPrincipalName)}
}

type wireApproval struct {
	Name       string `json:"name"`
	Properties struct {
		Type            string       `json:"type"`
		IsActive        *bool        `json:"isActive"`
		Status          string       `json:"status"`
		Result          string       `json:"result"`
		Title           string       `json:"title"`
		Details         string       `json:"details"`
		CreationDate    wtime        `json:"creationDate"`
		DueDate         wtime        `json:"dueDate"`
		CompletionDate  wtime        `json:"completionDate"`
		Owner           wirePerson   `json:"owner"`
		Approvers       []string     `json:"approvers"`
		Principals      []wirePerson `json:"principals"`
		ResponseOptions []string     `json:"responseOptions"`
		UserRole        string       `json:"userRole"`
		UserRequest     *struct {
			ResponseOptions []string `json:"responseOptions"`
		} `json:"userRequest"`
		ItemLinks []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"itemLinks"`
	} `json:"properties"`
}

func (w wireApproval) domain(env, role string) flowdeck.Approval {
	p := w.Properties
	a := flowdeck.Approval{EnvironmentID: env, ID: w.Name, Title: p.Title, Details: p.Details, Status: p.Status,
		Result: p.Result, CreatedAt: p.CreationDate.Time, DueAt: p.DueDate.Time, CompletedAt: p.CompletionDate.Time,
		Options: p.ResponseOptions, AwaitAll: strings.HasSuffix(p.Type, "AwaitAll"), Role: cmp.Or(role, p.UserRole)}
	if a.Status == "" && p.IsActive != nil {
		a.Status = map[bool]string{true: flowdeck.ApprovalPending, false: flowdeck.ApprovalCompleted}[*p.IsActive]
	}
	if p.UserRequest != nil && len(p.UserRequest.ResponseOptions) > 0 {
		a.Options = p.UserRequest.ResponseOptions
	}
	if len(a.Options) == 0 && basicApproval(p.Type) {
		a.Options = []string{flowdeck.ResponseApprove, flowdeck.ResponseReject}
	}
	person := func(id string) flowdeck.Person {
		for _, pr := range p.Principals {
			if strings.EqualFold(pr.ID, id) {
				return pr.domain()
			}
		}
		if strings.EqualFold(p.Owner.ID, id) {
			return p.Owner.domain()
		}
		return flowdeck.Person{ID: id}
	}
	a.Requester = person(p.Owner.ID)
	for _, id := range p.Approvers {
		a.Approvers = append(a.Approvers, person(id))
	}
	for _, l := range p.ItemLinks {
		a.ItemLinks = append(a.ItemLinks, flowdeck.Link{Title: l.Title, URL: l.URL})
	}
	return a
}

// basicApproval reports whether an approval's type says its options are
// Approve and Reject (the "Approve/Reject" types); a custom or unknown type
// says nothing, and FlowDeck then assumes nothing. requestType alone is not
// enough: no source says what it holds for a custom approval.
func basicApproval(typ string) bool {
	return typ == "Basic" || typ == "BasicAwaitAll"
}

type wireResponse struct {
	Properties struct {
		Owner        wirePerson `json:"owner"`
		Response     string     `json:"response"`
		Comments     string     `json:"comments"`
		CreationDate wtime      `json:"creationDate"`
	} `json:"properties"`
}

func (w wireResponse) domain() flowdeck.ApprovalResponse {
	p := w.Properties
	return flowdeck.ApprovalResponse{Responder: p.Owner.domain(), Response: p.Response, Comments: p.Comments, CreatedAt: p.CreationDate.Time}
}

// Approvals lists the user's approvals in env (E11): role is RoleApprover
// (received) or RoleOwner (sent); active selects pending ones, else history.
// Newest first, all pages.
func (c *Client) Approvals(ctx context.Context, env, role string, active bool) ([]flowdeck.Approval, error) {
	if err := ValidEnvironment(env); err != nil {
		return nil, err
	}
	if role != flowdeck.RoleApprover && role != flowdeck.RoleOwner {
		return nil, invalid("approval role", role)
	}
	q := url.Values{"$top": {itoa(c.pageSize)}, "$filter": {"properties/userRole eq '" + role + "' and properties/isActive eq '" +
		map[bool]string{true: "true", false: "false"}[active] + "' and properties/isDescending eq 'true'"}}
	ws, err := all[wireApproval](ctx, c, c.endpoint(q, "environments", env, "approvalViews"))
	if err != nil {
		return nil, err
	}
	out := make([]flowdeck.Approval, len(ws))
	for i, w := range ws {
		out[i] = w.domain(env, role)
	}
	return out, nil
}

// Approval returns one approval with everyone's responses (E13 + E14).
func (c *Client) Approval(ctx context.Context, env, id string) (flowdeck.Approval, error) {
	if err := validate(ValidEnvironment(env), validApprovalID(id)); err != nil {
		return flowdeck.Approval{}, err
	}
	var (
		w    wireApproval
		rs   []wireResponse
		errs [2]error
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		errs[0] = c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "approvals", id), nil, &w)
	})
	wg.Go(func() {
		rs, errs[1] = all[wireResponse](ctx, c, c.endpoint(nil, "environments", env, "approvals", id, "approvalResponses"))
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return flowdeck.Approval{}, err
		}
	}
	role := ""
	if p, ok := flowdeck.PrincipalFrom(ctx); ok {
		if slices.ContainsFunc(w.Properties.Approvers, func(s string) bool { return strings.EqualFold(s, p.UserID) }) {
			role = flowdeck.RoleApprover
		} else if strings.EqualFold(w.Properties.Owner.ID, p.UserID) {
			role = flowdeck.RoleOwner
		}
	}
	a := w.domain(env, role)
	for _, r := range rs {
		a.Responses = append(a.Responses, r.domain())
	}
	if len(a.Options) == 0 && role == flowdeck.RoleApprover && a.Status == flowdeck.ApprovalPending {
		// approvals/{id} carries no response options; the approver's own
		// request in the approval views does (userRequest.responseOptions).
		opts, err := c.viewOptions(ctx, env, id)
		if err != nil {
			return flowdeck.Approval{}, err
		}
		a.Options = opts
	}
	return a, nil
}

// viewOptions returns the response options of approval id from the caller's
// pending approval views (nil when the views do not carry them).
func (c *Client) viewOptions(ctx context.Context, env, id string) ([]string, error) {
	vs, err := c.Approvals(ctx, env, flowdeck.RoleApprover, true)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if strings.EqualFold(v.ID, id) {
			return v.Options, nil
		}
	}
	return nil, nil
}

func validApprovalID(id string) error {
	if !guidRE.MatchString(id) {
		return invalid("approval id", id)
	}
	return nil
}

// Respond answers an approval as the user (E15): response must be one of the
// approval's options (case-insensitive), comments at most MaxComments
// characters. When the outcome is unclear it re-reads the responses.
func (c *Client) Respond(ctx context.Context, env, id, response, comments string) error {
	if err := validate(ValidEnvironment(env), validApprovalID(id)); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(comments); n > MaxComments {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Comments can be at most %d characters; yours has %d.", MaxComments, n)
	}
	a, err := c.Approval(ctx, env, id)
	if err != nil {
		return err
	}
	if len(a.Options) == 0 {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "FlowDeck could not find this approval's response options; answer it in Power Automate: %s", a.Link)
	}
	i := slices.IndexFunc(a.Options, func(o string) bool { return strings.EqualFold(o, strings.TrimSpace(response)) })
	if i < 0 {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "%q is not an option of this approval; choose one of: %s.", flowdeck.Clip(response, 80), strings.Join(a.Options, ", "))
	}
	if a.Status == flowdeck.ApprovalCompleted {
		return flowdeck.Errorf(flowdeck.ErrConflict, "This approval is already completed (%s); refresh to see the result.", a.Result)
	}
	body := map[string]any{"properties": map[string]string{"response": a.Options[i], "comments": comments}}
	err = c.do(ctx, http.MethodPost, c.endpoint(nil, "environments", env, "approvals", id, "approvalResponses"), body, nil)
	if !errors.Is(err, upstream.ErrUnclearOutcome) {
		return err
	}
	p, _ := flowdeck.PrincipalFrom(ctx)
	return settle(ctx, err, func(ctx context.Context) (bool, error) {
		again, rerr := c.Approval(ctx, env, id)
		return slices.ContainsFunc(again.Responses, func(r flowdeck.ApprovalResponse) bool {
			return strings.EqualFold(r.Responder.ID, p.UserID)
		}), rerr
	}, "Your response was not recorded; Power Platform did not take it. Try again.")
}
