package powerplatform

import (
	"errors"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func alex() demo.User { return demo.Users()[2] }

func (fx *fixture) approvalURL(name string) string {
	return fx.srv.FlowURL() + flowPrefix + "/environments/" + envDefault + "/approvals/" + name
}

func respondBody(resp, comments string) map[string]any {
	return map[string]any{"properties": map[string]any{"response": resp, "comments": comments}}
}

func TestApprovalViews(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	base := fx.srv.FlowURL() + flowPrefix + "/environments/" + envDefault + "/approvalViews" + av
	tok := fx.flowToken(adele())
	tests := []struct {
		name, query string
		want        []string
	}{
		{"received pending (+)", "&$top=50&$filter=properties/userRole+eq+'Approver'+and+properties/isActive+eq+'true'+and+properties/isDescending+eq+'true'", []string{apBasic, apAll, apCustomAll}},
		{"received pending (%20)", "&$filter=properties%2FuserRole%20eq%20%27Approver%27%20and%20properties%2FisActive%20eq%20%27true%27", []string{apBasic, apAll, apCustomAll}},
		{"received history", "&$filter=properties/userRole%20eq%20'Approver'%20and%20properties/isActive%20eq%20'false'", nil},
		{"sent", "&$filter=properties/userRole%20eq%20'Owner'", []string{apDone}},
		{"everything", "&$filter=properties/isDescending%20eq%20'true'", []string{apBasic, apAll, apCustomAll, apDone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fx.with(t)
			got := values(fx.get(base+tt.query, tok, 200))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d approvals, want %d", len(got), len(tt.want))
			}
			set := names(got)
			for _, w := range tt.want {
				if !set[w] {
					t.Errorf("missing %s", w)
				}
			}
		})
	}
	v := values(fx.get(base+"&$filter=properties/userRole+eq+'Approver'+and+properties/isActive+eq+'true'", tok, 200))[0]
	p := props(v)
	if v["type"] != "Microsoft.ProcessSimple/environments/approvals" || p["userRole"] != "Approver" || p["isActive"] != true {
		t.Errorf("view %v role %v active %v", v["type"], p["userRole"], p["isActive"])
	}
	if ur := p["userRequest"].(map[string]any); ur["assignedTo"].(map[string]any)["id"] != adele().ID || len(ur["responseOptions"].([]any)) == 0 {
		t.Errorf("userRequest %v", ur)
	}
	if pr := p["principals"].([]any); len(pr) < 2 || pr[0].(map[string]any)["displayName"] != "Megan Bowen" {
		t.Errorf("principals %v", pr)
	}
	m := fx.get(base+"&$filter=properties/userRole+eq+'Boss'", tok, 400)
	wantError(t, m, "InvalidFilter", "Boss")
}

func TestApprovalRespondBasic(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	a := fx.get(fx.approvalURL(apBasic)+av, tok, 200)
	if props(a)["status"] != ApprovalPending || props(a)["result"] != nil {
		t.Fatalf("before: %v", props(a))
	}
	r := fx.expect("POST", fx.approvalURL(apBasic)+"/approvalResponses"+av, tok, respondBody("approve", "Looks good"), 201)
	rp := props(r)
	if rp["response"] != "Approve" || rp["comments"] != "Looks good" || rp["status"] != "Committed" || rp["owner"].(map[string]any)["id"] != adele().ID {
		t.Errorf("response %v", rp)
	}
	a = fx.get(fx.approvalURL(apBasic)+av, tok, 200)
	if p := props(a); p["status"] != ApprovalCompleted || p["result"] != "Approve" || p["completionDate"] == nil {
		t.Errorf("after: %v %v %v", p["status"], p["result"], p["completionDate"])
	}
	// Responding twice, or after someone else completed it.
	m := fx.expect("POST", fx.approvalURL(apBasic)+"/approvalResponses"+av, tok, respondBody("Approve", ""), 409)
	wantError(t, m, "ApprovalAlreadyCompleted", apBasic)
	m = fx.expect("POST", fx.approvalURL(apBasic)+"/approvalResponses"+av, fx.flowToken(alex()), respondBody("Reject", ""), 409)
	wantError(t, m, "ApprovalAlreadyCompleted", apBasic)
	resp := values(fx.get(fx.approvalURL(apBasic)+"/approvalResponses"+av, tok, 200))
	if len(resp) != 1 || props(resp[0])["response"] != "Approve" {
		t.Errorf("responses %v", resp)
	}
	// The full PowerShell body is accepted too; the minimal top-level form as well.
	full := map[string]any{"name": "x", "properties": map[string]any{"stage": "Basic", "status": "Committed", "response": "Reject", "comments": "no"}}
	fx.expect("POST", fx.approvalURL(apAll)+"/approvalResponses"+av, fx.flowToken(alex()), full, 201)
}

func TestApprovalEveryoneMustRespond(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	url := fx.approvalURL(apAll) + "/approvalResponses" + av
	fx.expect("POST", url, tok, respondBody("Approve", "ok"), 201)
	if st := props(fx.get(fx.approvalURL(apAll)+av, tok, 200))["status"]; st != ApprovalPending {
		t.Fatalf("after one of two approvals: %v", st)
	}
	m := fx.expect("POST", url, tok, respondBody("Approve", "again"), 409)
	wantError(t, m, "ApprovalResponseAlreadyExists", adele().ID)
	if err := fx.srv.RespondElsewhere(apAll, alex().ID, "Approve", "from Outlook"); err != nil {
		t.Fatal(err)
	}
	p := props(fx.get(fx.approvalURL(apAll)+av, tok, 200))
	if p["status"] != ApprovalCompleted || p["result"] != "Approve" {
		t.Errorf("after both: %v %v", p["status"], p["result"])
	}
	resp := values(fx.get(url, tok, 200))
	if len(resp) != 2 || props(resp[1])["comments"] != "from Outlook" || props(resp[1])["owner"].(map[string]any)["id"] != alex().ID {
		t.Errorf("responses %v", resp)
	}
	if err := fx.srv.RespondElsewhere(apAll, alex().ID, "Approve", ""); !errors.Is(err, ErrConflict) {
		t.Errorf("RespondElsewhere twice: %v, want ErrConflict", err)
	}
	if err := fx.srv.RespondElsewhere("nope", alex().ID, "Approve", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("RespondElsewhere unknown: %v", err)
	}
}

func TestApprovalCustomAndErrors(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	url := fx.approvalURL(apCustomAll) + "/approvalResponses" + av
	m := fx.expect("POST", url, tok, respondBody("Approve", ""), 400)
	wantError(t, m, "InvalidApprovalResponse", "'Approve'")
	fx.expect("POST", url, tok, respondBody("Need info", "which budget?"), 201)
	if err := fx.srv.RespondElsewhere(apCustomAll, alex().ID, "Yes", ""); err != nil {
		t.Fatal(err)
	}
	a, err := fx.srv.Approval(apCustomAll)
	if err != nil || a.Status != ApprovalCompleted || a.Result != "Yes, Need info" {
		t.Errorf("custom await-all: %v %q %v", a.Status, a.Result, err)
	}
	// Megan owns the approval but is no approver; Lynne cannot even see it.
	m = fx.expect("POST", fx.approvalURL(apBasic)+"/approvalResponses"+av, fx.flowToken(megan()), respondBody("Approve", ""), 403)
	wantError(t, m, "NotAnApprover", apBasic)
	m = fx.get(fx.approvalURL(apBasic)+av, fx.flowToken(demo.Users()[4]), 404)
	wantError(t, m, "ApprovalNotFound", apBasic)
	resp, _ := fx.do("POST", url, tok, nil)
	if resp.StatusCode != 400 {
		t.Errorf("empty body: %d", resp.StatusCode)
	}
	if err := fx.srv.RespondElsewhere(apBasic, megan().ID, "Approve", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-approver elsewhere: %v", err)
	}
}

func TestApprovalViewsPaging(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow), PageSize: 3})
	tok := fx.flowToken(adele())
	next := fx.srv.FlowURL() + flowPrefix + "/environments/" + envDefault + "/approvalViews" + av + "&$filter=properties/isDescending+eq+'true'"
	var got []map[string]any
	pages := 0
	for next != "" && pages < 5 {
		m := fx.get(next, tok, 200)
		got = append(got, values(m)...)
		next, _ = m["nextLink"].(string)
		pages++
	}
	if pages != 2 || len(got) != 4 || len(names(got)) != 4 {
		t.Errorf("%d pages, %d approvals", pages, len(got))
	}
	// Newest first: apDone was created earliest.
	if got[len(got)-1]["name"] != apDone {
		t.Errorf("last is %v, want %s", got[len(got)-1]["name"], apDone)
	}
}

// TestResponseOptionsOnlyInUserRequest: custom options travel in the
// approver's userRequest of approvalViews, nowhere else.
func TestResponseOptionsOnlyInUserRequest(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	base := fx.srv.FlowURL() + flowPrefix + "/environments/" + envDefault + "/approvalViews" + av
	var custom map[string]any
	for _, v := range values(fx.get(base+"&$filter=properties/userRole+eq+'Approver'+and+properties/isActive+eq+'true'", fx.flowToken(adele()), 200)) {
		if v["name"] == apCustomAll {
			custom = props(v)
		}
	}
	if custom == nil || custom["responseOptions"] != nil {
		t.Fatalf("custom view %v: a top-level responseOptions is not served", custom)
	}
	got := custom["userRequest"].(map[string]any)["responseOptions"].([]any)
	if len(got) != 3 || got[0] != "Yes" || got[2] != "Need info" {
		t.Fatalf("userRequest.responseOptions = %v", got)
	}
	// The owner's view has no userRequest; approvals/{id} carries no options.
	for _, v := range values(fx.get(base+"&$filter=properties/userRole+eq+'Owner'", fx.flowToken(megan()), 200)) {
		if p := props(v); p["userRequest"] != nil || p["responseOptions"] != nil {
			t.Fatalf("owner's view %v carries options", v["name"])
		}
	}
	if p := props(fx.get(fx.approvalURL(apCustomAll)+av, fx.flowToken(adele()), 200)); p["responseOptions"] != nil || p["userRequest"] != nil {
		t.Fatalf("approvals/{id} carries options: %v", p)
	}
}
