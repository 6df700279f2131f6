package powerautomate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// Defaults of ContentOptions.
const (
	DefaultContentTimeout  = 10 * time.Second
	DefaultContentMaxBytes = 256 << 10
)

// RunContentHosts returns the host suffixes content links may point at in
// cloud ("public", "gcc", "gcchigh", "dod", "china"), from the cloud table
// (cloud.Cloud.RunContentHosts); nil for an unknown cloud.
func RunContentHosts(name string) []string {
	cl, ok := cloud.Get(name)
	if !ok {
		return nil
	}
	return cl.RunContentHosts
}

// ContentOptions configure how a Client reads run content links: pre-signed
// URLs on Logic Apps runtime hosts, fetched without any token.
type ContentOptions struct {
	// Hosts are the accepted hosts: entries starting with "." are suffixes
	// (on port 443), others an exact host:port (the local cloud's, in tests
	// and `flowdeck dev` only). Default RunContentHosts("public").
	Hosts []string
	// Transport carries the requests (default: a clone of
	// http.DefaultTransport). It is a plain *http.Transport on purpose: it
	// cannot hold a round tripper that attaches tokens.
	Transport *http.Transport
	// Timeout bounds one read (default DefaultContentTimeout).
	Timeout time.Duration
	// MaxBytes caps what is read (default DefaultContentMaxBytes); a link
	// whose contentSize is larger is not fetched.
	MaxBytes int64
	// TokenHosts, if set, reports the hosts FlowDeck sends tokens to (the
	// audience registry); a content link on such a host is refused.
	TokenHosts interface {
		AudienceKey(host string) (string, bool)
	}
}

// contentReader fetches run content links with a client that never carries
// credentials and never follows a redirect.
type contentReader struct {
	hosts    []string
	client   *http.Client
	maxBytes int64
	tokens   interface {
		AudienceKey(host string) (string, bool)
	}
}

func newContentReader(o ContentOptions) *contentReader {
	if o.Hosts == nil {
		o.Hosts = RunContentHosts("public")
	}
	tr := o.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultContentTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultContentMaxBytes
	}
	hosts := make([]string, len(o.Hosts))
	for i, h := range o.Hosts {
		hosts[i] = strings.ToLower(h)
	}
	return &contentReader{hosts: hosts, maxBytes: o.MaxBytes, tokens: o.TokenHosts,
		client: &http.Client{Transport: tr.Clone(), Timeout: o.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// errContent is the cause of every refused or failed content read.
var errContent = errors.New("powerautomate: run content")

// allowed checks a content link: https, no user info, a host of the list,
// and never a host FlowDeck sends tokens to.
func (r *contentReader) allowed(u *url.URL) error {
	if u.Scheme != "https" || u.User != nil || u.Host == "" {
		return fmt.Errorf("%w: not an https link", errContent)
	}
	host := strings.ToLower(u.Host)
	if r.tokens != nil {
		if _, ok := r.tokens.AudienceKey(host); ok {
			return fmt.Errorf("%w: link on a host that gets tokens (%s)", errContent, host)
		}
	}
	name, port := strings.ToLower(u.Hostname()), u.Port()
	for _, h := range r.hosts {
		switch {
		case strings.HasPrefix(h, "."):
			if strings.HasSuffix(name, h) && len(name) > len(h) && (port == "" || port == "443") {
				return nil
			}
		case h == host:
			return nil
		}
	}
	return fmt.Errorf("%w: host %s is not a known run-storage host", errContent, host)
}

// read fetches a content link (size known from the link, or -1) and returns its body.
func (r *contentReader) read(ctx context.Context, link string, size int64) ([]byte, error) {
	if size > r.maxBytes {
		if _, err := r.check(link); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %d bytes is over the cap", errContent, size)
	}
	b, more, err := r.readPrefix(ctx, link, r.maxBytes)
	if err != nil {
		return nil, err
	}
	if more {
		return nil, fmt.Errorf("%w: over %d bytes", errContent, r.maxBytes)
	}
	return b, nil
}

// check parses a content link and checks it is allowed.
func (r *contentReader) check(link string) (*url.URL, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("%w: bad link", errContent)
	}
	if err := r.allowed(u); err != nil {
		return nil, err
	}
	return u, nil
}

// readPrefix fetches a content link and returns at most limit bytes of its
// body, and whether there was more.
func (r *contentReader) readPrefix(ctx context.Context, link string, limit int64) ([]byte, bool, error) {
	if _, err := r.check(link); err != nil {
		return nil, false, err
	}
	// The link goes out exactly as it came: its signature covers it.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%w: request", errContent)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		// The error names the URL, signature included: keep only what happened.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, false, fmt.Errorf("%w: %v", errContent, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, false, fmt.Errorf("%w: answered %d", errContent, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, false, fmt.Errorf("%w: read: %v", errContent, err)
	}
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	return b, false, nil
}

// maxErrorText bounds an error message read from outputs, in bytes.
const maxErrorText = 2000

// outputsError reads the error of a connector action's outputs: the raw HTTP
// exchange {"statusCode","headers","body"}, where body.error.message (or
// body.message, or a text body) says what went wrong (powerplatform-api.md E7b).
func outputsError(b []byte) (code, message string, ok bool) {
	var out struct {
		StatusCode int             `json:"statusCode"`
		Body       json.RawMessage `json:"body"`
	}
	if json.Unmarshal(b, &out) != nil {
		return "", "", false
	}
	var body struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	var text string
	if json.Unmarshal(out.Body, &text) == nil {
		message = text
	} else if json.Unmarshal(out.Body, &body) == nil {
		var e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(body.Error, &e) == nil && e.Message != "":
			code, message = e.Code, e.Message
		case json.Unmarshal(body.Error, &text) == nil && text != "":
			message = text
		default:
			message = body.Message
		}
	}
	message = strings.TrimSpace(message)
	if message == "" && out.StatusCode >= 400 {
		message = fmt.Sprintf("The connector answered %d %s.", out.StatusCode, http.StatusText(out.StatusCode))
	}
	if message == "" {
		return "", "", false
	}
	if len(message) > maxErrorText {
		message = strings.ToValidUTF8(message[:maxErrorText], "") + "…"
	}
	if !utf8.ValidString(message) {
		message = strings.ToValidUTF8(message, "")
	}
	if code == "" && out.StatusCode >= 400 {
		code = strings.ReplaceAll(http.StatusText(out.StatusCode), " ", "")
	}
	return code, message, true
}
