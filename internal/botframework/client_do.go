package botframework

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// maxResponseBytes bounds a connector response body.
const maxResponseBytes = 1 << 20

var (
	// ErrMessageTooLarge is matched (errors.Is) by errors for an activity over
	// the size limit, refused locally or answered 413 MessageSizeTooBig.
	ErrMessageTooLarge = errors.New("botframework: message too large")
	// ErrMessageWritesBlocked is matched (errors.Is) by errors for a 403
	// MessageWritesBlocked: the user blocked or uninstalled the app.
	ErrMessageWritesBlocked = errors.New("botframework: message writes blocked")
)

// MessageTooLargeError is an activity over the size limit.
type MessageTooLargeError struct {
	// Size is the activity's UTF-16 size estimate (0 when the connector refused it).
	Size int
	// Limit is the limit it broke (0 when the connector refused it).
	Limit int
}

// Error implements error.
func (e *MessageTooLargeError) Error() string {
	if e.Size == 0 {
		return "botframework: the connector refused the message as too large (413)"
	}
	return fmt.Sprintf("botframework: message is %d bytes (UTF-16), over the %d-byte limit", e.Size, e.Limit)
}

// Is matches ErrMessageTooLarge.
func (e *MessageTooLargeError) Is(target error) bool { return target == ErrMessageTooLarge }

// ConnectorError is a non-success answer of the Bot Connector.
type ConnectorError struct {
	// Op is the client method ("SendToConversation", …).
	Op string
	// Status is the HTTP status.
	Status int
	// Code, SubCode and Message come from the error body, when it has them.
	Code, SubCode, Message string
	// RetryAfter is the Retry-After the connector asked for, if any.
	RetryAfter time.Duration
}

// Error implements error.
func (e *ConnectorError) Error() string {
	s := fmt.Sprintf("botframework: %s: connector answered %d", e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.SubCode != "" {
		s += "/" + e.SubCode
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is matches ErrMessageWritesBlocked for a blocked conversation, and
// ErrMessageTooLarge for a 413.
func (e *ConnectorError) Is(target error) bool {
	switch target {
	case ErrMessageWritesBlocked:
		return e.Status == http.StatusForbidden && e.writesBlocked()
	case ErrMessageTooLarge:
		return e.Status == http.StatusRequestEntityTooLarge
	}
	return false
}

func (e *ConnectorError) writesBlocked() bool {
	for _, s := range []string{e.Code, e.SubCode} {
		if s == "MessageWritesBlocked" || s == "ConversationBlockedByUser" {
			return true
		}
	}
	return strings.Contains(e.Message, "not part of the conversation roster")
}

// call is one connector request.
type call struct {
	op, method, serviceURL string
	path                   []string // segments after /v3/, escaped one by one
	conv                   string   // per-conversation rate-limit key ("" = none)
	tenant                 string   // per-tenant rate-limit key ("" = from ctx)
	body                   []byte
	out                    any
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusPreconditionFailed, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (c *Client) do(ctx context.Context, k call) error {
	u, err := connectorURL(k.serviceURL, k.path...)
	if err != nil {
		return err
	}
	if k.tenant == "" {
		k.tenant = tenantOf(ctx)
	}
	for attempt := 0; ; attempt++ {
		// Every attempt, retries included, waits for its slot: Teams
		// counts each request.
		if err := c.limits.wait(ctx, k.conv, k.tenant); err != nil {
			return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+" gave up waiting for the rate limit")
		}
		cerr, err := c.once(ctx, k, u)
		if err != nil || cerr == nil {
			return err
		}
		if !retryable(cerr.Status) || attempt >= c.retries {
			return c.fail(ctx, cerr)
		}
		wait := c.backoff.Delay(attempt)
		if cerr.RetryAfter > 0 {
			if cerr.RetryAfter > c.maxRA {
				return c.fail(ctx, cerr)
			}
			wait = cerr.RetryAfter
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "botframework: connector call retried",
			slog.String("op", k.op), slog.Int("status", cerr.Status), slog.String("code", cerr.Code),
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait))
		if err := c.clock.Wait(ctx, wait); err != nil {
			return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+" gave up waiting to retry")
		}
	}
}

// once makes one request. It returns a *ConnectorError for a non-2xx answer
// and an error for everything else that went wrong.
func (c *Client) once(ctx context.Context, k call, u string) (*ConnectorError, error) {
	tok, err := c.ts.Token(ctx)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u, body)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrInvalid, err, "botframework: "+k.op)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	leave, err := c.gate.enter(ctx, u)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+" gave up waiting for a connection")
	}
	resp, err := c.hc.Do(req)
	leave(err == nil)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+": the Bot Connector cannot be reached")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+": reading the answer")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if k.out != nil && len(bytes.TrimSpace(raw)) > 0 {
			if err := json.Unmarshal(raw, k.out); err != nil {
				return nil, flowdeck.Wrap(flowdeck.ErrUnavailable, err, "botframework: "+k.op+": the answer is not JSON")
			}
		}
		return nil, nil
	}
	if resp.StatusCode == http.StatusUnauthorized {
		c.ts.forget(tok) // ask the token source again next time
	}
	ce := &ConnectorError{Op: k.op, Status: resp.StatusCode, RetryAfter: retryAfterOf(resp.Header, c.clock.Now())}
	var eb struct {
		Error struct {
			Code    string `json:"code"`
			SubCode string `json:"subCode"`
			Message string `json:"message"`
		} `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &eb) == nil {
		ce.Code, ce.SubCode, ce.Message = eb.Error.Code, eb.Error.SubCode, eb.Error.Message
		if ce.Message == "" {
			ce.Message = eb.Message
		}
	}
	return ce, nil
}

// fail maps a connector answer to a flowdeck kind.
func (c *Client) fail(ctx context.Context, ce *ConnectorError) error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "botframework: connector call failed",
		slog.String("op", ce.Op), slog.Int("status", ce.Status), slog.String("code", ce.Code), slog.String("sub_code", ce.SubCode))
	e := &flowdeck.Error{Err: ce, RetryAfter: ce.RetryAfter}
	switch {
	case ce.Status == http.StatusForbidden && ce.writesBlocked():
		e.Kind, e.Message = flowdeck.ErrForbidden, "The user blocked or removed FlowDeck in Teams."
	case ce.Status == http.StatusBadRequest:
		e.Kind, e.Message = flowdeck.ErrInvalid, "Teams refused the message as malformed."
	case ce.Status == http.StatusUnauthorized:
		e.Kind, e.Message = flowdeck.ErrMisconfigured, "The Bot Connector refused FlowDeck's credentials."
	case ce.Status == http.StatusForbidden:
		e.Kind, e.Message = flowdeck.ErrForbidden, "Teams does not let FlowDeck post there."
	case ce.Status == http.StatusNotFound:
		e.Kind, e.Message = flowdeck.ErrNotFound, "The Teams conversation or message does not exist."
	case ce.Status == http.StatusRequestEntityTooLarge:
		e.Kind, e.Message, e.Err = flowdeck.ErrInvalid, "The message is too large for Teams; send it in pages.",
			errors.Join(ce, &MessageTooLargeError{})
	case ce.Status == http.StatusTooManyRequests:
		e.Kind, e.Message = flowdeck.ErrThrottled, "Teams is throttling FlowDeck; try again shortly."
	default:
		e.Kind, e.Message = flowdeck.ErrUnavailable, "The Bot Connector is not answering properly."
	}
	return e
}

// retryAfterOf is the wait an answer's Retry-After asks for; 0 for none,
// a date in the past or one that cannot be read. Over a day is a day.
func retryAfterOf(h http.Header, now time.Time) time.Duration {
	d, _ := retry.ParseAfter(h.Get("Retry-After"), now, 24*time.Hour)
	return d
}

// connectorURL joins serviceURL (with or without a trailing slash) and
// "v3/" + the segments, each one escaped whole (conversation ids hold ':'
// and ';'). serviceURL must be https, or http on a loopback host.
func connectorURL(serviceURL string, segs ...string) (string, error) {
	u, err := url.Parse(serviceURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "botframework: the serviceUrl %q is not a valid URL", serviceURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "botframework: the serviceUrl %q is plain http off loopback", serviceURL)
		}
	default:
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "botframework: the serviceUrl %q is not http(s)", serviceURL)
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + "/v3")
	for _, s := range segs {
		if s == "" {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "botframework: empty id in a connector path")
		}
		b.WriteByte('/')
		b.WriteString(escapeSegment(s))
	}
	return b.String(), nil
}

// escapeSegment percent-encodes every byte but the unreserved ones (RFC 3986).
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
