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
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// DefaultMaxBodyBytes is the largest activity the endpoint reads.
const DefaultMaxBodyBytes = 512 << 10

// EndpointOptions configure an Endpoint.
type EndpointOptions struct {
	// Verifier checks channel tokens. Required unless DevUnauthenticated.
	Verifier *ChannelVerifier
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
	// DevUnauthenticated accepts activities without a token, for the
	// Microsoft 365 Agents Playground. NewEndpoint refuses it unless
	// ListenAddr is a loopback address.
	DevUnauthenticated bool
	// ListenAddr is the server's listen address (host:port); checked only in
	// DevUnauthenticated mode.
	ListenAddr string
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
	v       *ChannelVerifier
	h       Handler
	cards   Handler
	max     int64
	log     *slog.Logger
	noAuth  bool
	replay  *replayGuard
	tenants tenantGate
}

// NewEndpoint returns the endpoint. Bad options, and the dev mode on a
// non-loopback address, are flowdeck.ErrMisconfigured.
func NewEndpoint(o EndpointOptions) (*Endpoint, error) {
	if o.Handler == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "botframework: the endpoint needs a handler")
	}
	if o.DevUnauthenticated {
		if !IsLoopback(o.ListenAddr) {
			return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured,
				"botframework: the unauthenticated dev mode needs a loopback listen address, not %q", o.ListenAddr)
		}
	} else if o.Verifier == nil {
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
	return &Endpoint{v: o.Verifier, h: o.Handler, cards: o.CardActions, max: o.MaxBodyBytes, log: o.Logger, noAuth: o.DevUnauthenticated,
		replay: newReplayGuard(o.Activities, o.Now), tenants: newTenantGate(o.AllowedTenants)}, nil
}

// IsLoopback reports whether addr (host:port, or a bare host) names only a
// loopback interface: 127.0.0.0/8, ::1 or localhost. An empty host (":3978")
// means every interface and is not loopback.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
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
	if auth == "" && !e.noAuth {
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
	caller := CallerOf(a)
	// Without a token (the dev mode) anyone may send anything: there is
	// nothing to replay, and the Playground may reuse an id.
	if !e.noAuth {
		claims, err := e.v.Verify(ctx, auth, a)
		if err != nil {
			status := flowdeck.HTTPStatus(err)
			writeError(w, status, http.StatusText(status), flowdeck.Message(err))
			return
		}
		caller.Authenticated = true
		if !e.tenants.admits(caller.TenantID) {
			e.refuseTenant(ctx, w, a, caller)
			return
		}
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
