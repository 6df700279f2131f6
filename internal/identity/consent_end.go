package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// End serves GET /auth/end, where Entra sends the browser back: it checks
// the state and the browser's PKCE cookie, redeems the code through MSAL for
// Go (PKCE), checks that the user who signed in is the one the flow was
// started for, stores the tokens of every requested audience through the
// broker and serves a page that tells Teams the outcome
// (authentication.notifySuccess / notifyFailure) or, in a plain browser,
// says it in words. Admin-consent answers (admin_consent=True|False) get a
// page of their own; nothing is stored for them.
func (c *Consent) End(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if ac := q.Get("admin_consent"); ac != "" && q.Get("code") == "" {
		c.adminConsentDone(w, r, strings.EqualFold(ac, "true") && q.Get("error") == "", q.Get("tenant"))
		return
	}
	st, problem := c.openState(q.Get("state"))
	if problem != "" {
		c.fail(w, r, http.StatusBadRequest, problem)
		return
	}
	verifier, ok := c.takeCookie(w, r, st)
	if !ok {
		c.fail(w, r, http.StatusBadRequest, "no_session")
		return
	}
	if e := q.Get("error"); e != "" {
		reason := "failed"
		if e == "access_denied" {
			reason = "access_denied"
		}
		c.log.LogAttrs(r.Context(), slog.LevelInfo, "identity: sign-in ended with an error",
			slog.String("tenant", st.Tenant), slog.String("user", st.User), slog.String("error", e))
		c.fail(w, r, http.StatusOK, reason)
		return
	}
	code := q.Get("code")
	if code == "" {
		c.fail(w, r, http.StatusBadRequest, "invalid_state")
		return
	}
	p := flowdeck.Principal{TenantID: st.Tenant, UserID: st.User}
	first, _ := c.audience(st.Audiences[0])
	tr, id, err := c.redeem(r.Context(), st, code, verifier, first)
	if err != nil {
		fe, _ := classify(err, grantCode, first)
		c.log.LogAttrs(r.Context(), slog.LevelWarn, "identity: code redemption failed",
			attrs(p, first, slog.String("kind", flowdeck.Code(fe)), slog.Any("err", fe.Err))...)
		c.fail(w, r, http.StatusBadGateway, reasonFor(fe))
		return
	}
	if !strings.EqualFold(id.Tenant, st.Tenant) || !strings.EqualFold(id.Oid, st.User) || id.Nonce != st.Nonce {
		c.log.LogAttrs(r.Context(), slog.LevelWarn, "identity: sign-in by another user than the one who started it",
			attrs(p, Audience{}, slog.String("signed_in_tenant", id.Tenant), slog.String("signed_in_user", id.Oid))...)
		c.fail(w, r, http.StatusForbidden, "wrong_user")
		return
	}
	others := make([]Audience, 0, len(st.Audiences)-1)
	for _, k := range st.Audiences[1:] {
		if a, ok := c.audience(k); ok {
			others = append(others, a)
		}
	}
	if errs := c.broker.adoptSignIn(r.Context(), p, first, tr, others); len(errs) > 0 {
		for k, err := range errs {
			c.log.LogAttrs(r.Context(), slog.LevelWarn, "identity: sign-in incomplete",
				attrs(p, Audience{Key: k}, slog.String("kind", flowdeck.Code(err)))...)
		}
		missing := make([]string, 0, len(errs))
		for k := range errs {
			missing = append(missing, k)
		}
		slices.Sort(missing)
		c.incomplete(w, st.Tenant, missing)
		return
	}
	c.log.LogAttrs(r.Context(), slog.LevelInfo, "identity: signed in", attrs(p, Audience{}, slog.Any("audiences", st.Audiences))...)
	c.page(w, http.StatusOK, pageData{
		Outcome: "success", Result: "signed_in",
		Title:   "You are signed in",
		Message: "FlowDeck can now work with " + c.names(st.Audiences) + " for you. You can close this window and return to Teams.",
	})
}

// takeCookie reads and clears the flow's PKCE cookie; it must match the state.
func (c *Consent) takeCookie(w http.ResponseWriter, r *http.Request, st consentState) (string, bool) {
	name := cookieName(st.Nonce)
	ck, err := r.Cookie(name)
	if err != nil {
		return "", false
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: c.cookiePath, MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	var pc pkceCookie
	if c.seal.open(purposeCookie, ck.Value, &pc) != nil || pc.Nonce != st.Nonce || c.now().Unix() >= pc.Expires || pc.Verifier == "" {
		return "", false
	}
	return pc.Verifier, true
}

// idClaims are the id token claims End checks.
type idClaims struct {
	Tenant string `json:"tid"`
	Oid    string `json:"oid"`
	Nonce  string `json:"nonce"`
}

// redeem redeems the code through MSAL for Go, as the design asks, and
// recovers the refresh token MSAL does not hand out.
//
// Why this way: MSAL does the PKCE redemption, but its AuthResult has no
// refresh token, and the broker needs it (other audiences, other replicas,
// the monitor). A throwaway MSAL client per redemption, with a cache.ExportReplace
// that starts empty and captures what MSAL exports, yields the refresh token
// from MSAL's serialized cache, which is the unified cache schema shared by
// every MSAL (RefreshToken → {credential_type, client_id, secret}). Nothing
// lingers in memory afterwards and no user's cache can leak into another's.
// If a future MSAL stopped exporting it, redeem fails loudly (no refresh
// token) and a test catches it, instead of silently storing tokens that die
// within the hour. The id token comes straight from the token endpoint over
// TLS, so its claims are read without a signature check (OIDC Core 3.1.3.7).
func (c *Consent) redeem(ctx context.Context, st consentState, code, verifier string, a Audience) (tokenResponse, idClaims, error) {
	cred, err := c.cred.msal()
	if err != nil {
		return tokenResponse{}, idClaims{}, err
	}
	capture := &captureCache{}
	opts := []confidential.Option{confidential.WithHTTPClient(c.hc), confidential.WithCache(capture)}
	if c.noDiscovery {
		opts = append(opts, confidential.WithInstanceDiscovery(false))
	}
	client, err := confidential.New(c.authority+"/"+st.Tenant, c.clientID, cred, opts...)
	if err != nil {
		return tokenResponse{}, idClaims{}, err
	}
	// The redemption asks the resource's .default: the token then carries
	// every permission consented so far, the ones just granted included,
	// and its aud is the registry's resource exactly.
	scopes := []string{a.DefaultScope()}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	res, err := client.AcquireTokenByAuthCode(ctx, code, c.redirect, scopes, confidential.WithChallenge(verifier))
	if err != nil {
		return tokenResponse{}, idClaims{}, msalError(err)
	}
	rt := capture.refreshToken(c.clientID)
	if rt == "" {
		return tokenResponse{}, idClaims{}, errors.New("identity: MSAL exported no refresh token")
	}
	var id idClaims
	if parts := strings.Split(res.IDToken.RawToken, "."); len(parts) == 3 {
		if raw, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			_ = json.Unmarshal(raw, &id)
		}
	}
	secs := int64(time.Until(res.ExpiresOn) / time.Second) // MSAL's lifetime, applied to our clock
	return tokenResponse{
		AccessToken: res.AccessToken, RefreshToken: rt, ExpiresIn: json.Number(strconv.FormatInt(secs, 10)),
		Scope: strings.Join(res.GrantedScopes, " "),
	}, id, nil
}

// msalError turns an MSAL error carrying Entra's answer into an *EntraError.
func msalError(err error) error {
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		body, _ := io.ReadAll(io.LimitReader(ce.Resp.Body, 1<<20))
		return parseEntraError(ce.Resp.StatusCode, ce.Resp.Header, body)
	}
	return err
}

// captureCache is a cache.ExportReplace that starts empty and keeps the last export.
type captureCache struct {
	mu   sync.Mutex
	data []byte
}

// Replace implements cache.ExportReplace: the cache starts empty.
func (c *captureCache) Replace(context.Context, cache.Unmarshaler, cache.ReplaceHints) error {
	return nil
}

// Export implements cache.ExportReplace: it keeps the serialized cache.
func (c *captureCache) Export(_ context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.data = b
	c.mu.Unlock()
	return nil
}

// refreshToken reads the app's refresh token from the unified cache JSON.
func (c *captureCache) refreshToken(clientID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var doc struct {
		RefreshToken map[string]struct {
			CredentialType string `json:"credential_type"`
			ClientID       string `json:"client_id"`
			Secret         string `json:"secret"`
		} `json:"RefreshToken"`
	}
	if json.Unmarshal(c.data, &doc) != nil {
		return ""
	}
	for _, rt := range doc.RefreshToken {
		if strings.EqualFold(rt.CredentialType, "RefreshToken") && strings.EqualFold(rt.ClientID, clientID) && rt.Secret != "" {
			return rt.Secret
		}
	}
	return ""
}

// reasonFor maps a redemption failure to the page's reason code.
func reasonFor(err error) string {
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrUnavailable, flowdeck.ErrThrottled:
		return "unavailable"
	case flowdeck.ErrMisconfigured:
		return "misconfigured"
	case flowdeck.ErrConsentRequired:
		return "consent_incomplete"
	case flowdeck.ErrInvalid:
		return "expired"
	case flowdeck.ErrForbidden:
		return "forbidden"
	}
	return "failed"
}
