package bot

import (
	"context"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// request is one command being worked on.
type request struct {
	a      *schema.Activity
	caller botframework.Caller
	p      flowdeck.Principal
	scope  string
	cmd    Command
	// choice is the candidate picked on a pick-list card; cursor the page
	// asked for with More.
	choice string
	cursor string
	// invoke is set when the command runs for a card action: the answer goes
	// into the invoke response.
	invoke bool
}

// group reports whether the conversation has other people in it.
func (r *request) group() bool { return r.scope != flowdeck.ScopePersonal }

// scopeOf returns the conversation's scope.
func scopeOf(a *schema.Activity) string {
	switch t := a.Conversation.ConversationType; {
	case strings.EqualFold(t, flowdeck.ScopeChannel):
		return flowdeck.ScopeChannel
	case strings.EqualFold(t, flowdeck.ScopeGroupChat):
		return flowdeck.ScopeGroupChat
	case t == "" && a.Conversation.IsGroup:
		return flowdeck.ScopeGroupChat
	}
	return flowdeck.ScopePersonal
}

// newRequest reads who is asking and returns the context to run as them.
func (b *Bot) newRequest(ctx context.Context, a *schema.Activity, cmd Command) (context.Context, *request) {
	c, ok := botframework.CallerFrom(ctx)
	if !ok {
		c = botframework.CallerOf(a)
	}
	scope := scopeOf(a)
	cmd = cmd.forScope(scope != flowdeck.ScopePersonal)
	r := &request{a: a, caller: c, scope: scope, cmd: cmd,
		p: flowdeck.Principal{TenantID: c.TenantID, UserID: c.UserID, Name: c.Name}}
	if r.p.Valid() {
		ctx = flowdeck.WithPrincipal(ctx, r.p)
	}
	return ctx, r
}

// line is the command as text, for More and pick buttons to send back.
func (r *request) line() string { return r.cmd.String() }
