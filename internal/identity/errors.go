package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// grant names the kind of token request, which changes what an error means.
type grant int

const (
	grantOBO grant = iota
	grantRefresh
	grantCode
	grantClient
)

// entraBody is Entra ID's JSON error body.
type entraBody struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	SubError      string `json:"suberror"`
	Claims        string `json:"claims"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
}

// EntraError is a failed token request as Entra ID answered it. It is the
// cause (Err) inside the *flowdeck.Error the broker returns, for logs and
// for callers that need the AADSTS code. It never holds a token.
type EntraError struct {
	// Status is the HTTP status.
	Status int
	// Code is the OAuth error ("invalid_grant", "interaction_required", …).
	Code string
	// AADSTS are the numeric AADSTS codes.
	AADSTS []int
	// SubError refines Code ("consent_required", "basic_action", …).
	SubError string
	// Claims is the claims challenge of an interaction_required answer.
	Claims string
	// Description is the first line of error_description.
	Description string
	// TraceID and CorrelationID identify the request at Entra.
	TraceID, CorrelationID string
	// RetryAfter is the Retry-After of a 429 or 503, if any.
	RetryAfter time.Duration
}

// Error implements error.
func (e *EntraError) Error() string {
	return fmt.Sprintf("entra: HTTP %d %s %v: %s (trace %s, correlation %s)",
		e.Status, e.Code, e.AADSTS, e.Description, e.TraceID, e.CorrelationID)
}

// Has reports whether Entra answered with the AADSTS code.
func (e *EntraError) Has(code int) bool { return slices.Contains(e.AADSTS, code) }

// parseEntraError builds an EntraError from a non-200 token response.
func parseEntraError(status int, h http.Header, body []byte) *EntraError {
	e := &EntraError{Status: status}
	var b entraBody
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.AADSTS, e.SubError, e.Claims = b.Error, b.Codes, b.SubError, b.Claims
		e.TraceID, e.CorrelationID = b.TraceID, b.CorrelationID
		e.Description, _, _ = strings.Cut(b.Description, "\r\n")
		e.Description, _, _ = strings.Cut(e.Description, "\n")
	}
	if e.Code == "" {
		e.Code = http.StatusText(status)
	}
	e.RetryAfter, _ = retry.ParseAfter(h.Get("Retry-After"), time.Now(), 24*time.Hour)
	return e
}

// interactionCodes are AADSTS codes that need the user in front of a screen:
// MFA (50076, 50079, 50158 external challenge), password change (50072,
// 50074), session expired (50078).
var interactionCodes = []int{50072, 50074, 50076, 50078, 50079, 50158}

// deadGrantCodes say a refresh token can never be redeemed again: expired
// (700082, 70008), revoked (50173, 50133), wrong client (70000), unknown (9002313),
// password changed (50132), signed out (70043).
var deadGrantCodes = []int{700082, 70008, 50173, 50133, 50132, 70000, 70043, 9002313}

// misconfiguredCodes blame the deployment: the app registration lacks the
// resource (650057), bad or expired credential (7000215, 7000222, 700027,
// 7000218; a certificate's client assertion: 700021, 700023, 700024, 7000274),
// unknown app (700016), unknown resource (500011), bad scope (70011),
// redirect URI (50011), no such grant (70003).
var misconfiguredCodes = []int{650057, 7000215, 7000222, 700027, 7000218, 700021, 700023, 700024, 7000274, 700016, 500011, 70011, 50011, 70003}

// forbiddenCodes keep a user out: not in the tenant (50020), tenant unknown
// (90002), user unknown (50034), blocked by Conditional Access (53003), app
// disabled for the user (50105), account disabled (50057).
var forbiddenCodes = []int{50020, 90002, 50034, 53003, 50105, 50057}

func hasAny(e *EntraError, codes []int) bool {
	return slices.ContainsFunc(e.AADSTS, func(c int) bool { return slices.Contains(codes, c) })
}

// classify turns a failed token request into a domain error. dead reports a
// refresh token that can never be redeemed again. The consent URL is added by
// the caller.
func classify(err error, g grant, a Audience) (fe *flowdeck.Error, dead bool) {
	var ee *EntraError
	if !errors.As(err, &ee) {
		// Transport failure, timeout, cancelled context: nothing is known about the grant.
		return flowdeck.Wrap(flowdeck.ErrUnavailable, err,
			"Microsoft Entra ID is not answering; try again in a minute."), false
	}
	detail := map[string]string{"audience": a.Key, "audience_name": a.Name}
	if len(ee.AADSTS) > 0 {
		detail["aadsts"] = strconv.Itoa(ee.AADSTS[0])
	}
	mk := func(kind error, msg string) *flowdeck.Error {
		return &flowdeck.Error{Kind: kind, Message: msg, Detail: detail, Err: ee, RetryAfter: ee.RetryAfter}
	}
	switch {
	case ee.Status == http.StatusTooManyRequests:
		return mk(flowdeck.ErrThrottled, "Microsoft Entra ID is busy; try again shortly."), false
	case ee.Status >= 500 || ee.Code == "temporarily_unavailable" || ee.Has(90033):
		return mk(flowdeck.ErrUnavailable, "Microsoft Entra ID is not answering; try again in a minute."), false
	case ee.Has(90094):
		// The tenant lets only an administrator consent (user consent is
		// off): the broker adds the admin-consent link, not the user's own.
		detail[flowdeck.DetailMissingScopes] = strings.Join(a.ScopeURIs()[:len(a.Scopes)], " ")
		detail[flowdeck.DetailAdminRequired] = "true"
		return mk(flowdeck.ErrConsentRequired, fmt.Sprintf("Your organization lets only an administrator give FlowDeck access to %s.", a.Name)), false
	case ee.Has(65001) || ee.SubError == "consent_required" || ee.Code == "consent_required":
		detail[flowdeck.DetailMissingScopes] = strings.Join(a.ScopeURIs()[:len(a.Scopes)], " ")
		return mk(flowdeck.ErrConsentRequired, fmt.Sprintf("FlowDeck needs your consent to use %s on your behalf.", a.Name)), false
	case ee.Has(53003):
		return mk(flowdeck.ErrForbidden, fmt.Sprintf("Your organization's access policies block FlowDeck from %s.", a.Name)), false
	case ee.Claims != "" || ee.Code == "interaction_required" || hasAny(ee, interactionCodes):
		if ee.Claims != "" {
			detail["claims"] = ee.Claims
		}
		return mk(flowdeck.ErrInteractionRequired, fmt.Sprintf("Sign in again (with multi-factor authentication if asked) to use %s.", a.Name)), false
	case ee.Code != "invalid_client" && (ee.Has(500133) || ee.Has(50013) || ee.Has(50027)):
		// The SSO assertion itself is expired or not acceptable: the client must get a fresh one.
		// (The same codes with invalid_client blame FlowDeck's own client assertion: misconfigured.)
		return mk(flowdeck.ErrUnauthenticated, "Your sign-in has expired; reload FlowDeck."), false
	case hasAny(ee, misconfiguredCodes) || ee.Code == "invalid_client" || ee.Code == "unauthorized_client":
		return mk(flowdeck.ErrMisconfigured, fmt.Sprintf("FlowDeck is not set up correctly for %s; ask your administrator to run 'flowdeck doctor'.", a.Name)), false
	case hasAny(ee, forbiddenCodes) || ee.Code == "invalid_tenant":
		return mk(flowdeck.ErrForbidden, "Your account or organization is not allowed to use FlowDeck."), false
	case g == grantRefresh && (ee.Code == "invalid_grant" || hasAny(ee, deadGrantCodes)):
		detail["reason"] = "refresh_token_expired"
		return mk(flowdeck.ErrInteractionRequired, "Your FlowDeck sign-in has expired; sign in again."), true
	case g == grantCode && ee.Code == "invalid_grant":
		return mk(flowdeck.ErrInvalid, "This sign-in attempt has expired or was already used; start again."), false
	}
	return mk(flowdeck.ErrInternal, "Microsoft Entra ID refused the token request."), false
}
