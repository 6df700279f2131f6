package botframework

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// DefaultMaxBodyBytes is the largest activity the endpoint reads.
const DefaultMaxBodyBytes = 512 << 10

// Authenticator admits an inbound activity and says who sent it. The
// endpoint calls it for every activity, with the whole Authorization header
// ("" when there is none). *ChannelVerifier is the production
// Authenticator: a Bot Framework or Entra channel token, checked against
// the activity. `flowdeck dev` composes its own for the Microsoft 365 Agents
// Playground, which sends no token, around a *ChannelVerifier.
//
// Failures are *flowdeck.Error values whose kind picks the HTTP status
// (ErrUnauthenticated 401, ErrForbidden 403, ErrUnavailable 503). A caller
// whose Authenticated is false came without a token: the endpoint does not
// apply replay protection to it (there is no token to capture and replay it
// with).
type Authenticator interface {
	Authenticate(ctx context.Context, authorization string, a *schema.Activity) (Caller, Claims, error)
}

var _ Authenticator = (*ChannelVerifier)(nil)

// TokenlessAuthenticator is an Authenticator that may admit an activity
// without an Authorization header (dex's capability-interface style: the
// endpoint type-asserts for it). For any other, the endpoint refuses a
// request without one with 401 before it reads the body, as it does in
// production.
type TokenlessAuthenticator interface {
	Authenticator
	// AdmitsTokenless reports that activities without a token reach Authenticate.
	AdmitsTokenless() bool
}

// EndpointOptions configure an Endpoint.
type EndpointOptions struct {
	// Verifier admits activities: the channel-token verifier in production. Required.
	Verifier Authenticator
	// Handler receives the verified activities. Required.
	Handler Handler
	// CardActions, when set, receives the adaptiveCard/action invokes
	// (Action.Execute) instead of Handler: the card-action router, which may
	// itself depend on Handler without a construction cycle.
	CardActions Handler
	// MaxBodyBytes is the body limit; default DefaultMaxBodyBytes (512 KiB).
	MaxBodyBytes int64
	// Logger receives one line per activity (type, ids, tenant; never the token).
	Logger *slog.Logger
	// Activities remembers the handled activities across replicas, so that
	// a replayed one is acknowledged and not acted on again (replay.go). nil:
	// each replica remembers its own only.
	Activities flowdeck.ActivityLog
	// Now is the clock of the replay protection; default time.Now.
	Now func() time.Time
	// AllowedTenants are the tenants whose activities are handled; ["*"] or
	// none: every tenant. Others get 403 (tenant.go).
	AllowedTenants []string
}

// Endpoint is the http.Handler for POST /api/messages.
type Endpoint struct {
	v       Authenticator
	h       Handler
	cards   Handler
	max     int64
	log     *slog.Logger
	replay  *replayGuard
	tenants tenantGate
	// tokenless: the Authenticator may admit activities without a token.
	tokenless bool
}

// NewEndpoint returns the endpoint. Bad options are flowdeck.ErrMisconfigured.
func NewEndpoint(o EndpointOptions) (*Endpoint, error) {
	if o.Handler == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "botframework: the endpoint needs a handler")
	}
	if o.Verifier == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "botframework: the endpoint needs a channel verifier")
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tl, _ := o.Verifier.(TokenlessAuthenticator)
	return &Endpoint{v: o.Verifier, h: o.Handler, cards: o.CardActions, max: o.MaxBodyBytes, log: o.Logger,
		replay: newReplayGuard(o.Activities, o.Now), tenants: newTenantGate(o.AllowedTenants),
		tokenless: tl != nil && tl.AdmitsTokenless()}, nil
}

// ServeHTTP implements http.Handler.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Use POST.")
		return
	}
	if r.ContentLength > e.max {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The activity is too large.")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Send application/json.")
		return
	}
	auth := r.Header.Get("Authorization")
	if auth == "" && !e.tokenless {
		e.log.LogAttrs(ctx, slog.LevelInfo, "botframework: activity without a token")
		writeError(w, http.StatusUnauthorized, "Unauthorized", "A channel token is required.")
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, e.max), r.ContentLength)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The activity is too large.")
			return
		}
		writeError(w, http.StatusBadRequest, "BadRequest", "The body could not be read.")
		return
	}
	a, err := DecodeActivity(body)
	if err != nil {
		e.log.LogAttrs(ctx, slog.LevelInfo, "botframework: malformed activity", slog.String("err", err.Error()))
		writeError(w, http.StatusBadRequest, "BadRequest", "The body is not an activity.")
		return
	}
	caller, claims, err := e.v.Authenticate(ctx, auth, a)
	if err != nil {
		status := flowdeck.HTTPStatus(err)
		writeError(w, status, http.StatusText(status), flowdeck.Message(err))
		return
	}
	if !e.tenants.admits(caller.TenantID) {
		e.refuseTenant(ctx, w, a, caller)
		return
	}
	// Without a token there is nothing to capture and replay, and the
	// Agents Playground may reuse an id.
	if caller.Authenticated {
		repeat, err := e.replay.repeat(ctx, a, claims.ExpiresAt)
		if err != nil {
			e.log.LogAttrs(ctx, slog.LevelError, "botframework: activity log unavailable", slog.String("activity_id", a.ID), slog.Any("err", err))
			writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "Try again later.")
			return
		}
		if repeat {
			e.answerRepeat(ctx, w, a, caller)
			return
		}
	}
	e.dispatch(WithCaller(ctx, caller), w, a, caller)
}

func (e *Endpoint) dispatch(ctx context.Context, w http.ResponseWriter, a *schema.Activity, c Caller) {
	attrs := []slog.Attr{
		slog.String("activity_type", string(a.Type)), slog.String("activity_id", a.ID),
		slog.String("conversation_id", c.ConversationID), slog.String("tenant_id", c.TenantID),
		slog.String("user_id", c.UserID), slog.Bool("authenticated", c.Authenticated),
	}
	if a.Type == schema.Invoke {
		attrs = append(attrs, slog.String("invoke", a.Name))
	}
	h := e.h
	if e.cards != nil && a.Type == schema.Invoke && a.Name == InvokeAdaptiveCardAction {
		h = e.cards
	}
	res, err := h.OnActivity(ctx, a)
	if err != nil {
		attrs = append(attrs, slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
		e.log.LogAttrs(ctx, slog.LevelError, "botframework: handler failed", attrs...)
		res = errorResponse(a, err)
		writeJSON(w, res.Status, res.Body)
		return
	}
	if a.Type != schema.Invoke {
		e.log.LogAttrs(ctx, slog.LevelInfo, "botframework: activity", attrs...)
		w.WriteHeader(http.StatusOK)
		return
	}
	if res == nil {
		e.log.LogAttrs(ctx, slog.LevelInfo, "botframework: invoke not implemented", attrs...)
		w.WriteHeader(http.StatusNotImplemented)
		return
	}
	status := res.Status
	if status == 0 || a.Name == InvokeAdaptiveCardAction {
		status = http.StatusOK
	}
	e.log.LogAttrs(ctx, slog.LevelInfo, "botframework: invoke", append(attrs, slog.Int("status", status))...)
	if res.Body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, res.Body)
}

// readBody is io.ReadAll into a buffer of the announced size (the limit is
// checked before), instead of growing one from 512 bytes.
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: the read that sees EOF needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than announced: let append grow it
		}
	}
}

// DecodeActivity parses an activity. It tolerates unknown fields and
// rejects anything that is not one JSON object with a "type".
func DecodeActivity(body []byte) (*schema.Activity, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var a schema.Activity
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("decode activity: %w", err)
	}
	if a.Type == "" {
		return nil, errors.New("activity has no type")
	}
	return &a, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody(code, message))
}
