package upstream

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Refusals is what a TokenSource may also do (identity.Broker does) so that a
// token an API refused is not kept: the transport tells it about every 401,
// retries once with a fresh token, and asks it for the error to show when the
// fresh token is refused as well.
type Refusals interface {
	// Refused forgets token, refused by the API of audience for p, so that
	// the next Token call obtains a fresh one. claims is the refusal's claims
	// challenge (decoded JSON), "" if none.
	Refused(ctx context.Context, p flowdeck.Principal, audience, token, claims string)
	// SignInAgain is the error that asks p to sign in again for audience;
	// cause is the API's second refusal.
	SignInAgain(ctx context.Context, p flowdeck.Principal, audience string, cause error) error
}

// refused handles an API's 401: the token goes (Refusals.Refused) and the
// request is sent once more with a fresh one. Writes are repeated too: a 401
// means the request "has not been applied" (RFC 9110 §15.5.2,
// https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2), and for a bearer
// token that is "expired, revoked, malformed, or invalid" the client "MAY
// request a new access token and retry the protected resource request"
// (RFC 6750 §3.1, https://www.rfc-editor.org/rfc/rfc6750#section-3.1). A
// second 401 that a new sign-in can fix (expired, revoked, claims challenge)
// becomes Refusals.SignInAgain's error; any other (a wrong audience, an
// app-only token: FlowDeck's own fault) is returned for DecodeError to
// explain. A TokenSource without Refusals gets no retry.
func refused(o Options, next http.RoundTripper) http.RoundTripper {
	rs, ok := o.Tokens.(Refusals)
	if !ok {
		return next
	}
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			return resp, err
		}
		ctx := req.Context()
		p, _ := flowdeck.PrincipalFrom(ctx)
		key, _ := o.Audiences.AudienceKey(req.URL.Host)
		tok, sent := sentToken(resp)
		if !sent {
			return resp, nil // no token went out (a redirect to another host): nothing to forget
		}
		rs.Refused(ctx, p, key, tok, ClaimsChallenge(resp.Header))
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			return resp, nil // the body cannot be sent again
		}
		o.Logger.LogAttrs(ctx, slog.LevelInfo, "upstream: token refused; retrying once with a fresh one",
			slog.String("host", req.URL.Host), slog.String("audience", key))
		// A call that read the refused token just before another call
		// forgot it may hand it out once more: a retry that carried the
		// very token refused is no retry, and gets one more turn.
		for turn := 0; ; turn++ {
			again := req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return resp, nil
				}
				again.Body = body
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
			if resp, err = next.RoundTrip(again); err != nil || resp.StatusCode != http.StatusUnauthorized {
				return resp, err
			}
			resent, sent := sentToken(resp)
			if sent {
				rs.Refused(ctx, p, key, resent, ClaimsChallenge(resp.Header))
			}
			if !sent || resent != tok || turn > 0 {
				break
			}
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		if rerr != nil {
			return nil, readError(resp, rerr)
		}
		fe := DecodeError(resp.StatusCode, resp.Header, body)
		if errors.Is(fe, flowdeck.ErrUnauthenticated) {
			return nil, rs.SignInAgain(ctx, p, key, fe)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	})
}

// sentToken returns the bearer token the answered request carried.
func sentToken(resp *http.Response) (string, bool) {
	if resp.Request == nil {
		return "", true // unknown: the holder forgets whatever it has
	}
	tok, ok := strings.CutPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
	return tok, ok && tok != ""
}

var authParam = regexp.MustCompile(`([A-Za-z_]+)\s*=\s*"([^"]*)"`)

// ClaimsChallenge returns the decoded claims of a Continuous Access
// Evaluation or Conditional Access challenge in a 401's WWW-Authenticate
// (Bearer …, error="insufficient_claims", claims="<base64 JSON>";
// https://learn.microsoft.com/entra/identity-platform/claims-challenge), or
// "" when there is none or it is not a base64-encoded JSON object.
func ClaimsChallenge(h http.Header) string {
	for _, v := range h.Values("WWW-Authenticate") {
		for _, ch := range splitChallenges(v) {
			params := map[string]string{}
			for _, m := range authParam.FindAllStringSubmatch(ch, -1) {
				params[strings.ToLower(m[1])] = m[2]
			}
			if params["error"] != "insufficient_claims" || params["claims"] == "" {
				continue
			}
			if c := decodeClaims(params["claims"]); c != "" {
				return c
			}
		}
	}
	return ""
}

// splitChallenges splits a WWW-Authenticate value into its Bearer challenges.
func splitChallenges(v string) []string {
	var out []string
	for {
		i := strings.Index(strings.ToLower(v), "bearer ")
		if i < 0 {
			return out
		}
		v = v[i+len("bearer "):]
		j := strings.Index(strings.ToLower(v), "bearer ")
		if j < 0 {
			return append(out, v)
		}
		out = append(out, v[:j])
		v = v[j:]
	}
}

func decodeClaims(s string) string {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil && m != nil && len(b) <= 4<<10 {
			return string(b)
		}
	}
	return ""
}
