package upstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// MaxBody caps how much of an answer is read (32 MiB); a bigger answer is an error.
const MaxBody = 32 << 20

// errTooLarge is the cause of an answer over MaxBody.
var errTooLarge = errors.New("upstream: answer larger than the read cap")

// ReadBody reads and closes resp.Body, at most limit bytes (MaxBody when
// limit ≤ 0). A longer body, or a read that breaks, is ErrUnavailable.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit <= 0 {
		limit = MaxBody
	}
	if resp.ContentLength > limit {
		return nil, &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "Power Platform sent an answer too large to read; narrow the request and try again.",
			Err: fmt.Errorf("%w: Content-Length %d", errTooLarge, resp.ContentLength)}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, readError(resp, err)
	}
	if n > limit {
		return nil, &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "Power Platform sent an answer too large to read; narrow the request and try again.",
			Err: fmt.Errorf("%w (%d bytes)", errTooLarge, limit)}
	}
	return buf.Bytes(), nil
}

func readError(resp *http.Response, err error) error {
	if resp.Request != nil && resp.Request.Context().Err() != nil && errors.Is(err, resp.Request.Context().Err()) && !errors.Is(err, errAttemptTimeout) {
		return err
	}
	e := &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "The answer from Power Platform broke off; try again in a minute.", Err: err}
	if resp.Request != nil && !Safe(resp.Request.Method) {
		e.Err = fmt.Errorf("%w: %w", ErrUnclearOutcome, err)
	}
	return e
}

// CheckResponse returns nil for a 2xx answer (its body untouched). Any other
// answer is read, closed and decoded with DecodeError; the error of a failed
// state-changing request that may have taken effect (5xx, timeout) also wraps
// ErrUnclearOutcome.
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	body, err := ReadBody(resp, 1<<20)
	if err != nil && !errors.Is(err, errTooLarge) {
		return err
	}
	e := DecodeError(resp.StatusCode, resp.Header, body)
	if resp.Request != nil && !Safe(resp.Request.Method) && (resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout) {
		e.Err = fmt.Errorf("%w: %w", ErrUnclearOutcome, e.Err)
		e.Message = "Power Platform did not confirm the change; FlowDeck checks whether it happened before trying again."
	}
	return e
}

// DecodeJSON checks resp (CheckResponse), reads its body (at most MaxBody)
// and unmarshals it into v, closing the body. A 2xx answer that is empty, an
// HTML page, an error envelope, malformed or truncated JSON is an error of
// kind ErrUnavailable (or the envelope's kind); it never panics.
func DecodeJSON(resp *http.Response, v any) error {
	if err := CheckResponse(resp); err != nil {
		return err
	}
	body, err := ReadBody(resp, MaxBody)
	if err != nil {
		return err
	}
	return Unmarshal(resp.StatusCode, resp.Header, body, v)
}

// Unmarshal decodes a 2xx body into v with the checks of DecodeJSON.
func Unmarshal(status int, header http.Header, body []byte, v any) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "Power Platform sent an empty answer; try again in a minute.",
			Err: fmt.Errorf("upstream: empty %d body", status)}
	}
	if isHTML(header, b) || looksLikeError(b) {
		return DecodeError(status, header, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "Power Platform sent a damaged answer; try again in a minute.",
			Err: fmt.Errorf("upstream: decode %d body (%d bytes): %w", status, len(b), err)}
	}
	return nil
}

// looksLikeError reports whether a 2xx body is an error envelope: an object
// whose first key is "error", or a small bare {"code","message"} object.
func looksLikeError(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	t, err := dec.Token()
	if err != nil {
		return false
	}
	switch t {
	case "error", "odata.error":
		return true
	case "code", "message":
		if len(b) > 8<<10 {
			return false
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return false
		}
		for k := range m {
			if k != "code" && k != "message" {
				return false
			}
		}
		return true
	}
	return false
}
