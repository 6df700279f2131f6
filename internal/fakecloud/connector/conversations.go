package connector

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Op is what the bot did in a conversation.
type Op string

// The operations the connector records.
const (
	OpSend   Op = "send"
	OpReply  Op = "reply"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
	OpTyping Op = "typing"
)

// Record is one activity operation the connector accepted.
type Record struct {
	Op             Op
	ConversationID string
	// ActivityID is the id assigned (send, reply, typing) or targeted (update, delete).
	ActivityID string
	// ReplyToID is the activity replied to (reply only).
	ReplyToID string
	// Raw is the body as sent (nil for delete); Activity decodes it.
	Raw json.RawMessage
	// At is the server clock at acceptance.
	At time.Time
}

// Activity decodes the body (zero for delete). The connector checks each
// body is a JSON object with a type when it accepts it, and keeps it as
// sent; it is decoded only here, when a test looks, so recording stays
// cheap under load.
func (r Record) Activity() schema.Activity {
	var a schema.Activity
	if len(r.Raw) > 0 {
		_ = json.Unmarshal(r.Raw, &a) // checked when accepted
	}
	return a
}

// Call is one connector request and the status it got, accepted or not.
type Call struct {
	Method, Path string
	Status       int
}

type conversation struct {
	records []Record
}

type fault struct {
	status     int
	retryAfter time.Duration
}

type failEvery struct{ k, status int }

// Records returns a copy of what the bot did in the conversation.
func (s *Server) Records(conversationID string) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.convs[conversationID]; ok {
		return append([]Record(nil), c.records...)
	}
	return nil
}

// WaitFor blocks until the conversation has at least n records and returns
// them, or returns ctx's error.
func (s *Server) WaitFor(ctx context.Context, conversationID string, n int) ([]Record, error) {
	for {
		s.mu.Lock()
		if c, ok := s.convs[conversationID]; ok && len(c.records) >= n {
			out := append([]Record(nil), c.records...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Calls returns every connector request so far (not the issuer's).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// FailNext makes the next n writes (send, reply, update, delete, create)
// answer status, with Retry-After when retryAfter > 0 (whole seconds).
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{status: status, retryAfter: retryAfter})
	}
}

// FailEvery makes every k-th write answer status (k ≤ 0 turns it off).
func (s *Server) FailEvery(k, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failEvery = failEvery{k: k, status: status}
}

// Block makes writes to the conversation answer 403 MessageWritesBlocked,
// as when the user blocked or uninstalled the app.
func (s *Server) Block(conversationID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[conversationID] = true
}

// Hold makes updates of activities in the conversation wait, without an
// answer, until release is called (or the request ends): a slow Teams for
// one conversation.
func (s *Server) Hold(conversationID string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.held[conversationID] = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.held, conversationID)
			s.mu.Unlock()
			close(ch)
		})
	}
}

// admit decides a write's fate: 0 to accept, else the status to answer,
// with the error code and Retry-After. It counts the write against the rate
// limits (op in conversation cid, tenant "" = the conversation's). s.mu is held.
func (s *Server) admit(r *http.Request, op, cid, tenant string, size int, now time.Time) (int, string, time.Duration) {
	s.writes++
	if ra, ok := s.throttle(r, op, cid, tenant, now); !ok {
		return http.StatusTooManyRequests, "Throttled", ra
	}
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		return f.status, faultCode(f.status), f.retryAfter
	}
	if s.failEvery.k > 0 && s.writes%s.failEvery.k == 0 {
		return s.failEvery.status, faultCode(s.failEvery.status), 0
	}
	if s.blocked[cid] {
		return http.StatusForbidden, "MessageWritesBlocked", 0
	}
	if size > s.maxBytes {
		return http.StatusRequestEntityTooLarge, "MessageSizeTooBig", 0
	}
	return 0, "", 0
}

func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Throttled"
	case http.StatusPreconditionFailed:
		return "PreconditionFailed"
	case http.StatusForbidden:
		return "MessageWritesBlocked"
	case http.StatusRequestEntityTooLarge:
		return "MessageSizeTooBig"
	}
	return "ServiceError"
}

func (s *Server) conv(cid string) *conversation {
	c, ok := s.convs[cid]
	if !ok {
		c = &conversation{}
		s.convs[cid] = c
	}
	return c
}

func (s *Server) record(r Record) {
	c := s.conv(r.ConversationID)
	c.records = append(c.records, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// reject answers a refused write. s.mu is held.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, status int, code string, ra time.Duration) {
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: status})
	if ra > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
	}
	// The codes and messages of Teams' status-code table:
	// https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-messages#status-codes-from-bot-conversational-apis
	msg := map[string]string{
		"Throttled": "Too many requests.", "MessageSizeTooBig": "Message size too big.",
		"MessageWritesBlocked": "The user has blocked the bot.", "PreconditionFailed": "Precondition failed.",
	}[code]
	if msg == "" {
		msg = "The service failed."
	}
	body := map[string]string{"code": code, "message": msg}
	if code == "MessageWritesBlocked" {
		body["code"], body["subCode"] = "Forbidden", "MessageWritesBlocked"
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	body, typ, ok := readActivity(w, r)
	if !ok {
		return
	}
	cid, replyTo := r.PathValue("cid"), r.PathValue("aid")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if status, code, ra := s.admit(r, OpKindSend, cid, "", utf16Size(body), now); status != 0 {
		s.reject(w, r, status, code, ra)
		return
	}
	op := OpSend
	switch {
	case typ == schema.Typing:
		op = OpTyping
	case replyTo != "":
		op = OpReply
	}
	s.nextID++
	id := strconv.FormatInt(s.nextID, 10)
	s.record(Record{Op: op, ConversationID: cid, ActivityID: id, ReplyToID: replyTo, Raw: body, At: now})
	status := http.StatusCreated
	if op == OpTyping {
		status = http.StatusOK
	}
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: status})
	writeJSON(w, status, map[string]string{"id": id})
}

func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	body, _, ok := readActivity(w, r)
	if !ok {
		return
	}
	cid, aid := r.PathValue("cid"), r.PathValue("aid")
	s.mu.Lock()
	hold := s.held[cid]
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knownActivity(cid, aid) {
		s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusNotFound})
		writeError(w, http.StatusNotFound, "ActivityNotFound", "Unknown activity.")
		return
	}
	now := s.now()
	if status, code, ra := s.admit(r, OpKindSend, cid, "", utf16Size(body), now); status != 0 {
		s.reject(w, r, status, code, ra)
		return
	}
	s.record(Record{Op: OpUpdate, ConversationID: cid, ActivityID: aid, Raw: body, At: now})
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusOK})
	writeJSON(w, http.StatusOK, map[string]string{"id": aid})
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	cid, aid := r.PathValue("cid"), r.PathValue("aid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knownActivity(cid, aid) {
		s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusNotFound})
		writeError(w, http.StatusNotFound, "ActivityNotFound", "Unknown activity.")
		return
	}
	now := s.now()
	if status, code, ra := s.admit(r, OpKindSend, cid, "", 0, now); status != 0 {
		s.reject(w, r, status, code, ra)
		return
	}
	s.record(Record{Op: OpDelete, ConversationID: cid, ActivityID: aid, At: now})
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusOK})
	w.WriteHeader(http.StatusOK)
}

// knownActivity reports whether the bot posted aid in cid. s.mu is held.
func (s *Server) knownActivity(cid, aid string) bool {
	c, ok := s.convs[cid]
	if !ok {
		return false
	}
	for _, rec := range c.records {
		if rec.ActivityID == aid && (rec.Op == OpSend || rec.Op == OpReply) {
			return true
		}
	}
	return false
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var p struct {
		Bot         schema.ChannelAccount   `json:"bot"`
		Members     []schema.ChannelAccount `json:"members"`
		IsGroup     bool                    `json:"isGroup"`
		TenantID    string                  `json:"tenantId"`
		ChannelData struct {
			Tenant struct {
				ID string `json:"id"`
			} `json:"tenant"`
		} `json:"channelData"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.Members) != 1 || p.IsGroup || p.Members[0].ID == "" {
		writeError(w, http.StatusBadRequest, "BadArgument", "Exactly one member is needed for a personal conversation.")
		return
	}
	u, known := userByID(s.botID, p.Members[0].ID)
	tenant, cid := p.TenantID, ""
	if tenant == "" {
		tenant = p.ChannelData.Tenant.ID
	}
	if known {
		tenant, cid = u.TenantID, PersonalConversationID(s.botID, u)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noteTenant(cid, tenant)
	if status, code, ra := s.admit(r, OpKindCreate, cid, strings.ToLower(tenant), 0, s.now()); status != 0 {
		s.reject(w, r, status, code, ra)
		return
	}
	if !known {
		s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusForbidden})
		writeError(w, http.StatusForbidden, "Forbidden", "The bot is not installed for this user.")
		return
	}
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusCreated})
	writeJSON(w, http.StatusCreated, map[string]string{"id": PersonalConversationID(s.botID, u)})
}

// member is one roster entry, in the connector's shape.
type member struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	AadObjectID       string `json:"aadObjectId"`
	GivenName         string `json:"givenName"`
	Surname           string `json:"surname"`
	Email             string `json:"email"`
	UserPrincipalName string `json:"userPrincipalName"`
	TenantID          string `json:"tenantId"`
	UserRole          string `json:"userRole"`
}

func (s *Server) handleMembers(w http.ResponseWriter, r *http.Request) {
	cid, uid := r.PathValue("cid"), r.PathValue("uid")
	var roster []member
	for _, u := range demo.Users() {
		if PersonalConversationID(s.botID, u) == cid || strings.HasPrefix(cid, "19:") && u.TenantID == demo.TenantID {
			given, sur, _ := strings.Cut(u.Name, " ")
			roster = append(roster, member{ID: UserMRI(s.botID, u), Name: u.Name, AadObjectID: u.ID, GivenName: given,
				Surname: sur, Email: u.UPN, UserPrincipalName: u.UPN, TenantID: u.TenantID, UserRole: "user"})
		}
	}
	s.mu.Lock()
	if ra, ok := s.throttle(r, OpKindMembers, cid, "", s.now()); !ok {
		defer s.mu.Unlock()
		s.reject(w, r, http.StatusTooManyRequests, "Throttled", ra)
		return
	}
	s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, Status: http.StatusOK})
	s.mu.Unlock()
	if roster == nil {
		writeError(w, http.StatusNotFound, "ConversationNotFound", "Conversation not found.")
		return
	}
	if uid == "" {
		writeJSON(w, http.StatusOK, roster)
		return
	}
	for _, m := range roster {
		if m.ID == uid || strings.EqualFold(m.AadObjectID, uid) {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	writeError(w, http.StatusNotFound, "MemberNotFound", "Member not found.")
}
