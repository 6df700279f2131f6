package cardaction_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// stubOps counts what would go upstream and answers as a pending approval.
type stubOps struct {
	a                  flowdeck.Approval
	responds, mutating atomic.Int32
	// defaults counts ChooseDefault and SetDigestTime calls; last is the
	// choice or time of the latest.
	defaults atomic.Int32
	last     atomic.Value
}

func (s *stubOps) ChooseDefault(_ context.Context, choice string) (flowdeck.Subscription, error) {
	s.defaults.Add(1)
	s.last.Store(choice)
	return flowdeck.Subscription{ID: "sub", Target: flowdeck.WatchMine, Auto: true}, nil
}
func (s *stubOps) SetDigestTime(_ context.Context, hhmm string) (flowdeck.UserSettings, error) {
	s.defaults.Add(1)
	s.last.Store("digest " + hhmm)
	return flowdeck.UserSettings{DigestTime: hhmm}, nil
}

// Approval finds only s.a, as Power Automate finds only approvals that exist.
func (s *stubOps) Approval(_ context.Context, _, id string) (flowdeck.Approval, error) {
	if !strings.EqualFold(id, s.a.ID) {
		return flowdeck.Approval{}, flowdeck.Errorf(flowdeck.ErrNotFound, "no such approval")
	}
	return s.a, nil
}
func (s *stubOps) Approvals(context.Context, string, bool) (ops.ApprovalsReport, error) {
	return ops.ApprovalsReport{Approvals: []flowdeck.Approval{s.a}}, nil
}
func (s *stubOps) Respond(_ context.Context, _, _, response, comments string) (flowdeck.Approval, error) {
	s.responds.Add(1)
	a := s.a
	a.Responses = []flowdeck.ApprovalResponse{{Responder: flowdeck.Person{ID: "u"}, Response: response, Comments: comments}}
	return a, nil
}
func (s *stubOps) Flow(_ context.Context, env, id string) (flowdeck.Flow, error) {
	return flowdeck.Flow{EnvironmentID: env, ID: id, DisplayName: "Flow", State: flowdeck.FlowStarted}, nil
}
func (s *stubOps) SetFlowState(_ context.Context, env, id string, _ bool) (flowdeck.Flow, error) {
	s.mutating.Add(1)
	return flowdeck.Flow{EnvironmentID: env, ID: id, State: flowdeck.FlowStopped}, nil
}
func (s *stubOps) Run(_ context.Context, env, flow, run string) (ops.RunDetail, error) {
	return ops.RunDetail{Run: flowdeck.Run{EnvironmentID: env, FlowID: flow, ID: run, Status: flowdeck.RunFailed}}, nil
}
func (s *stubOps) Runs(context.Context, string, string, flowdeck.RunFilter, string) (ops.RunPage, error) {
	return ops.RunPage{}, nil
}
func (s *stubOps) Resubmit(_ context.Context, _, _ string, ids []string) ([]ops.RunResult, error) {
	s.mutating.Add(1)
	return []ops.RunResult{{RunID: ids[0], OK: true}}, nil
}
func (s *stubOps) Cancel(_ context.Context, _, _ string, ids []string) ([]ops.RunResult, error) {
	s.mutating.Add(1)
	return []ops.RunResult{{RunID: ids[0], OK: true}}, nil
}

type stubTokens struct{}

func (stubTokens) Token(context.Context, flowdeck.Principal, string) (string, error) { return "t", nil }

type stubConnector struct{}

func (stubConnector) SendToConversation(context.Context, string, string, *schema.Activity) (string, error) {
	return "1732553375001", nil
}
func (stubConnector) UpdateActivity(_ context.Context, _, _, id string, _ *schema.Activity) (string, error) {
	return id, nil
}

const (
	fuzzApproval = "120ef490-440d-4efa-808e-5eda551464e8"
	fuzzEnv      = "Default-72f988bf-86f1-41af-91ab-2d7cd011db47"
)

var (
	tagRE    = regexp.MustCompile(`<\s*[A-Za-z!/?]`)
	digestRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// FuzzCardActionData throws arbitrary action data at every verb: the
// handler must never panic, always answer HTTP 200 with a known type, and
// send an approval response upstream only for the card's approval, one of
// its options and a plain comment of at most 1,000 characters.
func FuzzCardActionData(f *testing.F) {
	for _, s := range []string{
		`{"approvalId":"` + fuzzApproval + `","environmentId":"` + fuzzEnv + `","response":"Approve","comment":"ok"}`,
		`{"approvalId":"` + fuzzApproval + `","environmentId":"` + fuzzEnv + `","response":"approve","comment":"<b>x</b>"}`,
		`{"approvalId":42,"environmentId":null,"response":true}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","runId":"08582233720368547758000104729CU01","confirm":true}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","runId":"x","confirm":"yes"}`,
		`[]`, `null`, `"str"`, `{"a":{"b":[1,2,{}]}}`,
		`{"runs":[{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","runId":"08582233720368547758000104729CU01"}],"confirm":true}`,
		`{"runs":[{}],"confirm":true}`, `{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","window":"7d"}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","window":"1y"}`, `{"runs":"x"}`, `{"command":"runs x","choice":"y"}`, `{"command":"flows","cursor":"-5"}`,
		`{"choice":"approvals"}`, `{"choice":"pause","digestTime":"08:00"}`, `{"choice":"digest","digestTime":"08:00"}`,
		`{"choice":"digest","digestTime":"25:00"}`, `{"choice":"digest"}`, `{"choice":"everything"}`, `{"choice":["mine"]}`,
		`{"choice":"mine","digestTime":"08:00","extra":1}`,
		`{"approvalId":"` + fuzzApproval + `","environmentId":"` + fuzzEnv + `","response":"Approve","shared":true}`,
		`{"approvalId":"11111111-2222-4333-8444-555555555555","environmentId":"` + fuzzEnv + `","response":"Approve","shared":true}`,
		`{"approvalId":"` + fuzzApproval + `","environmentId":"` + fuzzEnv + `","shared":"yes"}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","on":true}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","on":"off"}`,
		`{"environmentId":"` + fuzzEnv + `","flowId":"bde9cd15-81a0-4e7a-bac7-e55c5ab8c199","runId":"08582233720368547758000104729CU01"}`, `{"choice":"digest","digestTime":"<b>8</b>"}`,
	} {
		for v := range 16 {
			f.Add(uint8(v), s)
		}
	}
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	check(f, err)
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: filepath.Join(f.TempDir(), "fd.db"), Keyring: k})
	check(f, err)
	f.Cleanup(func() { st.Close() })
	so := &stubOps{a: flowdeck.Approval{ID: fuzzApproval, EnvironmentID: fuzzEnv, Title: "T", Status: flowdeck.ApprovalPending,
		Options: []string{"Approve", "Reject"}}}
	h, err := cardaction.New(cardaction.Options{Ops: so, Tokens: stubTokens{}, Connector: stubConnector{}, Cards: st, Idempotency: st, Subscriptions: st})
	check(f, err)
	f.Cleanup(func() { _ = h.Close(context.Background()) })
	conv := flowdeck.ConversationRef{TenantID: "t", ConversationID: "a:conv", Scope: flowdeck.ScopePersonal, UserID: "u", ServiceURL: "https://smba.test/"}
	id, err := h.PostApproval(context.Background(), conv, so.a, nil)
	check(f, err)
	verbs := []string{cards.VerbApprovalRespond, cards.VerbApprovalRefresh, cards.VerbAlertResubmit, cards.VerbAlertCancel, cards.VerbAlertTurnOff, cards.VerbAlertMute,
		cards.VerbBulkResubmit, cards.VerbBulkCancel, cards.VerbFlowOff, cards.VerbPick, cards.VerbListMore, cards.VerbSignIn,
		cards.VerbApprovalOpen, cards.VerbBulkFailed, cards.VerbRunDetails, cards.VerbDefaultsChoose,
		cards.VerbFlowRefresh, cards.VerbRunRefresh, cards.VerbFlowState}

	f.Fuzz(func(t *testing.T, v uint8, raw string) {
		var data map[string]any
		_ = json.Unmarshal([]byte(raw), &data)
		verb := verbs[int(v)%len(verbs)]
		act := &schema.Activity{Type: schema.Invoke, Name: botframework.InvokeAdaptiveCardAction, ReplyToID: id,
			From: schema.ChannelAccount{ID: "29:u", AadObjectID: "u"}, Conversation: schema.ConversationAccount{ID: "a:conv", TenantID: "t"},
			Value: map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}}}
		before, defaultsBefore := so.responds.Load(), so.defaults.Load()
		res, err := h.OnActivity(context.Background(), act)
		if err != nil || res == nil || res.Status != 200 {
			t.Fatalf("%s: answer %v %+v", verb, err, res)
		}
		body, ok := res.Body.(botframework.CardActionBody)
		if !ok || !slices.Contains([]string{botframework.ContentTypeAdaptiveCard, botframework.ContentTypeLoginRequest,
			botframework.ContentTypeMessage, botframework.ContentTypeError}, body.Type) {
			t.Fatalf("%s: body %+v", verb, res.Body)
		}
		if _, err := json.Marshal(body); err != nil {
			t.Fatalf("%s: the answer does not encode: %v", verb, err)
		}
		if so.defaults.Load() != defaultsBefore {
			choice, _ := data["choice"].(string)
			digest, _ := data["digestTime"].(string)
			last, _ := so.last.Load().(string)
			okChoice := choice == cards.ChoiceMine || choice == cards.ChoiceApprovals || choice == cards.ChoicePause
			okDigest := choice == cards.ChoiceDigest && digestRE.MatchString(digest) && last == "digest "+digest
			if verb != cards.VerbDefaultsChoose || !(okChoice && last == choice || okDigest) {
				t.Fatalf("changed the defaults for %s %q (as %q)", verb, raw, last)
			}
		}
		if so.responds.Load() == before {
			return
		}
		id, _ := data["approvalId"].(string)
		resp, _ := data["response"].(string)
		c, cok := data["comment"].(string)
		if _, has := data["comment"]; has && !cok {
			t.Fatalf("responded with a %T comment", data["comment"])
		}
		if verb != cards.VerbApprovalRespond || !strings.EqualFold(id, fuzzApproval) ||
			(!strings.EqualFold(resp, "Approve") && !strings.EqualFold(resp, "Reject")) ||
			utf8.RuneCountInString(c) > cardaction.MaxComment || tagRE.MatchString(c) || !utf8.ValidString(c) {
			t.Fatalf("responded upstream for %s %q", verb, raw)
		}
	})
}
