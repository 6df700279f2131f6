package connector

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
)

// rateLimitDoc is the Teams page every limit below comes from.
const rateLimitDoc = "https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit"

// Scopes of the limits: what a limit counts over.
const (
	// ScopeBotThread counts one bot's requests in one conversation (a
	// personal chat, a group chat, or a channel with all its threads).
	ScopeBotThread = "per bot per thread"
	// ScopeAllBotsThread counts every bot's requests in one conversation.
	// The fake serves one bot, so it sees only that bot's.
	ScopeAllBotsThread = "per thread for all bots"
	// ScopeBotTenant counts one bot's requests of every kind in one tenant.
	ScopeBotTenant = "per app per tenant"
)

// Operations the limits name.
const (
	OpKindSend    = "send"    // send, reply, update, delete, typing
	OpKindCreate  = "create"  // create conversation
	OpKindMembers = "members" // get conversation members
	OpKindAny     = "any"     // every request
)

// Limit is one of Teams' documented rate limits: at most N requests of Op
// in any period of Per, counted over Scope. Teams says the values are
// subject to change.
type Limit struct {
	Scope string
	Op    string
	N     int
	Per   time.Duration
}

// String names the limit as the error log and test failures show it.
func (l Limit) String() string {
	return fmt.Sprintf("%s %s: %d per %s", l.Scope, l.Op, l.N, l.Per)
}

// TeamsLimits are the limits the fake enforces, all of rate-limit.md's
// tables: per bot per thread, per thread for all bots, and the global per
// app per tenant.
var TeamsLimits = []Limit{
	// Per bot per thread limit: Send to conversation and Create conversation
	// 7/1 s, 8/2 s, 60/30 s, 1800/3600 s; Get conversation members 14/1 s,
	// 16/2 s, 120/30 s, 3600/3600 s. (rateLimitDoc, "Per bot per thread limit")
	{ScopeBotThread, OpKindSend, 7, time.Second},
	{ScopeBotThread, OpKindSend, 8, 2 * time.Second},
	{ScopeBotThread, OpKindSend, 60, 30 * time.Second},
	{ScopeBotThread, OpKindSend, 1800, time.Hour},
	{ScopeBotThread, OpKindCreate, 7, time.Second},
	{ScopeBotThread, OpKindCreate, 8, 2 * time.Second},
	{ScopeBotThread, OpKindCreate, 60, 30 * time.Second},
	{ScopeBotThread, OpKindCreate, 1800, time.Hour},
	{ScopeBotThread, OpKindMembers, 14, time.Second},
	{ScopeBotThread, OpKindMembers, 16, 2 * time.Second},
	{ScopeBotThread, OpKindMembers, 120, 30 * time.Second},
	{ScopeBotThread, OpKindMembers, 3600, time.Hour},
	// Per thread limit for all bots: send and create 14/1 s, 16/2 s; get
	// members 28/1 s, 32/2 s. (rateLimitDoc, "Per thread limit for all bots")
	{ScopeAllBotsThread, OpKindSend, 14, time.Second},
	{ScopeAllBotsThread, OpKindSend, 16, 2 * time.Second},
	{ScopeAllBotsThread, OpKindCreate, 14, time.Second},
	{ScopeAllBotsThread, OpKindCreate, 16, 2 * time.Second},
	{ScopeAllBotsThread, OpKindMembers, 28, time.Second},
	{ScopeAllBotsThread, OpKindMembers, 32, 2 * time.Second},
	// "The global limit per app per tenant is 50 Requests Per Second (RPS)"
	// (rateLimitDoc, current page; an older revision said 30), and "all
	// requests are subject to the same rate limiting policy".
	{ScopeBotTenant, OpKindAny, 50, time.Second},
}

// Violation is one request the connector refused with 429 for a limit.
type Violation struct {
	Limit Limit
	// ConversationID is the conversation (thread) counted; "" for the tenant limit.
	ConversationID string
	// TenantID is the tenant counted ("" when the fake does not know it).
	TenantID     string
	Method, Path string
	At           time.Time
	// RetryAfter is what the answer's Retry-After said.
	RetryAfter time.Duration
}

// Violations returns the requests refused for a rate limit so far. A
// client that stays under Teams' limits has none.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// AddConversation tells the connector which tenant a conversation belongs
// to, as Teams knows it for every conversation of an installed app; the
// per-tenant limit counts its requests there. The connector also learns it
// from every activity the driver sends and every conversation it creates.
// A conversation it does not know counts in one bucket shared by all of them.
func (s *Server) AddConversation(conversationID, tenantID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noteTenant(conversationID, tenantID)
}

// noteTenant records the tenant of a conversation. s.mu is held.
func (s *Server) noteTenant(conversationID, tenantID string) {
	if conversationID == "" || tenantID == "" {
		return
	}
	if s.tenants == nil {
		s.tenants = map[string]string{}
	}
	s.tenants[threadOf(conversationID)] = strings.ToLower(tenantID)
}

// threadOf is the conversation a limit counts in: a channel thread
// ("19:…;messageid=…") counts in its channel (rateLimitDoc: "A conversation
// is 1:1 between bot and user, a group chat, or a channel in a team").
func threadOf(conversationID string) string {
	if i := strings.Index(conversationID, ";messageid="); i >= 0 {
		return conversationID[:i]
	}
	return conversationID
}

// throttle counts one request of kind op in conversation cid ("" for none)
// and tenant tenant ("" = from cid) at now, and returns the limit it broke
// and the Retry-After to answer, or ok. Every request counts, refused ones
// too (unverified; the stricter reading). A request at exactly the start
// of a window counts in it (unverified; the stricter reading). s.mu is held.
func (s *Server) throttle(r *http.Request, op, cid, tenant string, now time.Time) (time.Duration, bool) {
	if !s.rateLimit {
		return 0, true
	}
	thread := threadOf(cid)
	if tenant == "" {
		tenant = s.tenants[thread]
	}
	if s.hits == nil {
		s.hits = map[string][]time.Time{}
	}
	keyOf := func(l Limit) (string, bool) {
		switch {
		case l.Op == OpKindAny:
			return l.Scope + "\x00" + l.Op + "\x00" + tenant, true
		case l.Op == op && thread != "":
			return l.Scope + "\x00" + l.Op + "\x00" + thread, true
		}
		return "", false
	}
	counted := map[string]bool{}
	for _, l := range TeamsLimits {
		if key, ok := keyOf(l); ok && !counted[key] {
			counted[key] = true
			s.hits[key] = append(prune(s.hits[key], now, time.Hour), now)
		}
	}
	var broke *Limit
	var ra time.Duration
	for i, l := range TeamsLimits {
		key, ok := keyOf(l)
		if !ok {
			continue
		}
		log := s.hits[key]
		n := len(log)
		// Over the limit when the (N+1)-th newest request (this one
		// included) is in the closed window [now-Per, now].
		if n > l.N && !log[n-l.N-1].Before(now.Add(-l.Per)) && broke == nil {
			broke = &TeamsLimits[i]
		}
		// Room for the next request comes once the N-th newest is more
		// than Per old, in every window.
		if n >= l.N {
			ra = max(ra, log[n-l.N].Add(l.Per).Sub(now))
		}
	}
	if broke == nil {
		return 0, true
	}
	// Retry-After is whole seconds (RFC 9110); round up and past the edge.
	ra = (ra/time.Second + 1) * time.Second
	v := Violation{Limit: *broke, TenantID: tenant, Method: r.Method, Path: r.URL.Path, At: now, RetryAfter: ra}
	if broke.Op != OpKindAny {
		v.ConversationID = thread
	}
	s.violations = append(s.violations, v)
	s.log.LogAttrs(r.Context(), slog.LevelWarn, "connector: rate limit exceeded", slog.String("limit", broke.String()),
		slog.String("conversation_id", v.ConversationID), slog.String("doc", rateLimitDoc))
	return ra, false
}

// prune drops the times older than span before now (times are in order).
func prune(times []time.Time, now time.Time, span time.Duration) []time.Time {
	i := sort.Search(len(times), func(i int) bool { return !times[i].Before(now.Add(-span)) })
	return times[i:]
}
