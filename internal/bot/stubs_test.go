package bot

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// stubOps answers every operation with empty results.
type stubOps struct{}

var errStub = flowdeck.Errorf(flowdeck.ErrNotFound, "Nothing here.")

func (stubOps) Environments(context.Context) ([]flowdeck.Environment, error) { return nil, nil }
func (stubOps) Flows(context.Context, ops.FlowQuery) (ops.FlowList, error) {
	return ops.FlowList{}, nil
}
func (stubOps) FindFlows(context.Context, string, string) ([]ops.FlowRow, error) {
	return []ops.FlowRow{{Flow: flowdeck.Flow{ID: "f1", EnvironmentID: "e"}}, {Flow: flowdeck.Flow{ID: "f2", EnvironmentID: "e"}}}, nil
}
func (stubOps) Flow(context.Context, string, string) (flowdeck.Flow, error) {
	return flowdeck.Flow{}, errStub
}
func (stubOps) SetFlowState(context.Context, string, string, bool) (flowdeck.Flow, error) {
	return flowdeck.Flow{}, errStub
}
func (stubOps) Runs(context.Context, string, string, flowdeck.RunFilter, string) (ops.RunPage, error) {
	return ops.RunPage{}, nil
}
func (stubOps) Run(context.Context, string, string, string) (ops.RunDetail, error) {
	return ops.RunDetail{}, errStub
}
func (stubOps) Resubmit(_ context.Context, _, _ string, ids []string) ([]ops.RunResult, error) {
	return []ops.RunResult{{RunID: "X", Code: "not_found", Message: "gone"}}, nil
}
func (stubOps) Cancel(context.Context, string, string, []string) ([]ops.RunResult, error) {
	return nil, errStub
}
func (stubOps) Approvals(context.Context, string, bool) (ops.ApprovalsReport, error) {
	return ops.ApprovalsReport{}, nil
}
func (stubOps) Approval(context.Context, string, string) (flowdeck.Approval, error) {
	return flowdeck.Approval{}, errStub
}
func (stubOps) Apps(context.Context) (ops.AppsReport, error) { return ops.AppsReport{}, nil }
func (stubOps) Connections(context.Context) (ops.ConnectionsReport, error) {
	return ops.ConnectionsReport{}, nil
}
func (stubOps) Dashboard(context.Context, string) (ops.Dashboard, error) { return ops.Dashboard{}, nil }
func (stubOps) Watch(_ context.Context, s flowdeck.Subscription) (flowdeck.Subscription, error) {
	return s, nil
}
func (stubOps) Watches(context.Context) ([]flowdeck.Subscription, error) { return nil, nil }
func (stubOps) Unwatch(context.Context, string) error                    { return errStub }
func (stubOps) UnwatchAll(context.Context) (int, error)                  { return 0, nil }
func (stubOps) Settings(context.Context) (flowdeck.UserSettings, error) {
	return flowdeck.UserSettings{}, nil
}
func (stubOps) SetSettings(_ context.Context, s flowdeck.UserSettings) (flowdeck.UserSettings, error) {
	return s, nil
}
func (stubOps) SuggestFlows(context.Context, string, string, int) ([]ops.FlowRow, error) {
	return nil, nil
}
func (stubOps) WatchByDefault(context.Context) (flowdeck.Subscription, bool, error) {
	return flowdeck.Subscription{}, false, nil
}

func (stubOps) Search(context.Context, string, string, int, int) (ops.SearchResult, error) {
	return ops.SearchResult{}, nil
}

type stubTokens struct{}

func (stubTokens) Exchange(context.Context, flowdeck.Principal, flowdeck.Assertion) (map[string]error, error) {
	return map[string]error{"flow": nil}, nil
}
func (stubTokens) SignOut(context.Context, flowdeck.Principal) error { return nil }
func (stubTokens) Access(context.Context, flowdeck.Principal) []flowdeck.Access {
	return []flowdeck.Access{{Audience: "flow", Granted: true}}
}

type stubSSO struct{}

func (stubSSO) Principal(context.Context, string) (flowdeck.Principal, error) {
	return flowdeck.Principal{}, errors.New("invalid")
}

type stubConsent struct{}

func (stubConsent) StartURL(flowdeck.Principal, string, []string, string) (string, error) {
	return "https://flowdeck.test/auth/start?s=x", nil
}

func (stubConsent) ExplainMissingPermission(_ flowdeck.Principal, err error) error { return err }

// stubConnector counts what the bot sends.
type stubConnector struct{ sent atomic.Int64 }

func (c *stubConnector) SendToConversation(context.Context, string, string, *schema.Activity) (string, error) {
	c.sent.Add(1)
	return "1", nil
}
func (c *stubConnector) ReplyToActivity(context.Context, string, string, string, *schema.Activity) (string, error) {
	c.sent.Add(1)
	return "1", nil
}
func (c *stubConnector) SendTyping(context.Context, string, string) error { return nil }
func (c *stubConnector) CreateConversation(context.Context, string, string, string, string) (string, error) {
	return "a:new", nil
}

// memStore is an in-memory ConversationStore and NotificationLog.
type memStore struct {
	mu    sync.Mutex
	convs map[string]flowdeck.ConversationRef
	notes map[string]flowdeck.Notification
}

func newMemStore() *memStore {
	return &memStore{convs: map[string]flowdeck.ConversationRef{}, notes: map[string]flowdeck.Notification{}}
}

func (m *memStore) PutConversation(_ context.Context, c flowdeck.ConversationRef) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.convs[c.TenantID+"/"+c.ConversationID] = c
	return nil
}
func (m *memStore) GetConversation(_ context.Context, t, id string) (flowdeck.ConversationRef, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.convs[t+"/"+id]
	if !ok {
		return c, flowdeck.Errorf(flowdeck.ErrNotFound, "no")
	}
	return c, nil
}
func (m *memStore) PersonalConversation(_ context.Context, t, u string) (flowdeck.ConversationRef, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.convs {
		if c.TenantID == t && c.UserID == u && c.Scope == flowdeck.ScopePersonal {
			return c, nil
		}
	}
	return flowdeck.ConversationRef{}, flowdeck.Errorf(flowdeck.ErrNotFound, "no")
}
func (m *memStore) DeleteConversation(_ context.Context, t, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.convs, t+"/"+id)
	return nil
}
func (m *memStore) ClaimNotification(_ context.Context, n flowdeck.Notification) (flowdeck.Notification, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.notes[n.Key]; ok {
		return old, flowdeck.Errorf(flowdeck.ErrConflict, "claimed")
	}
	m.notes[n.Key] = n
	return n, nil
}
func (m *memStore) CompleteNotification(context.Context, string, string, int) error { return nil }
func (m *memStore) ReleaseNotification(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.notes, key)
	return nil
}
func (m *memStore) GetNotification(_ context.Context, key string) (flowdeck.Notification, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.notes[key]
	if !ok {
		return n, flowdeck.Errorf(flowdeck.ErrNotFound, "no")
	}
	return n, nil
}

// newStubBot is a bot on stubs: no I/O at all.
func newStubBot(tb testing.TB) *Bot {
	tb.Helper()
	st := newMemStore()
	b, err := New(Options{Ops: stubOps{}, Tokens: stubTokens{}, SSO: stubSSO{}, Consent: stubConsent{}, Connector: &stubConnector{},
		Conversations: st, Dedupe: st, AppIDURI: "api://x/botid-1", BotID: "1"})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
