package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the verified claims of a Teams SSO token that FlowDeck uses.
type Claims struct {
	// Version is "1.0" or "2.0" (ver).
	Version string
	// Issuer is iss, checked against TenantID.
	Issuer string
	// Audience is aud; one of its values is ours.
	Audience []string
	// TenantID is tid; ObjectID is oid; Subject is sub.
	TenantID, ObjectID, Subject string
	// ClientAppID is the Microsoft client that asked for the token (azp in v2, appid in v1).
	ClientAppID string
	// Scopes are the delegated scopes of scp.
	Scopes []string
	// Name is the display name; UPN is upn (v1) or preferred_username (v2).
	Name, UPN string
	// IssuedAt, NotBefore and ExpiresAt are iat, nbf and exp (zero when absent).
	IssuedAt, NotBefore, ExpiresAt time.Time
}

// Reasons a token is rejected. They are the causes of the *flowdeck.Error
// that Verify returns; their text is fixed so that nothing of the token
// (which an attacker controls) reaches an error message or a log.
var (
	errTokenTooLarge     = errors.New("token too large")
	errTokenMalformed    = errors.New("token malformed")
	errDuplicateClaim    = errors.New("claim appears more than once")
	errTokenAlg          = errors.New("signing algorithm not allowed")
	errNoKeyID           = errors.New("token has no key id")
	errUnknownKID        = errors.New("signing key unknown")
	errTokenSignature    = errors.New("signature invalid")
	errTokenExpired      = errors.New("token expired")
	errTokenNotYetValid  = errors.New("token not valid yet")
	errTokenIssuedFuture = errors.New("token issued in the future")
	errTokenNoExp        = errors.New("token has no expiry")
	errTokenAudience     = errors.New("audience not accepted")
	errTokenIssuer       = errors.New("issuer does not match tenant and version")
	errTokenNoTenant     = errors.New("token has no tenant")
	errTokenNoOID        = errors.New("token has no object id")
	errTokenAppOnly      = errors.New("app-only token")
	errTokenScope        = errors.New("required scope missing")
	errTokenClientApp    = errors.New("client application not allowed")
	errTenantNotAllowed  = errors.New("tenant not allowed")
	errTokenInvalid      = errors.New("token invalid")
)

// verifyPolicy is what Validate checks beyond the registered claims.
type verifyPolicy struct {
	issuers    Issuers
	scope      string
	clientApps map[string]bool // lower-case
}

// wireClaims is the token payload as decoded. Every field rejects a second
// occurrence of its claim (encoding/json would silently keep the last, and
// matches names case-insensitively), so a payload cannot carry two aud, tid
// or iss values that different parsers would read differently.
type wireClaims struct {
	Iss               onceString  `json:"iss"`
	Sub               onceString  `json:"sub"`
	Aud               onceStrings `json:"aud"`
	Exp               onceDate    `json:"exp"`
	Nbf               onceDate    `json:"nbf"`
	Iat               onceDate    `json:"iat"`
	Ver               onceString  `json:"ver"`
	Tid               onceString  `json:"tid"`
	Oid               onceString  `json:"oid"`
	Scp               onceString  `json:"scp"`
	Roles             onceStrings `json:"roles"`
	Idtyp             onceString  `json:"idtyp"`
	Azp               onceString  `json:"azp"`
	Appid             onceString  `json:"appid"`
	Name              onceString  `json:"name"`
	Upn               onceString  `json:"upn"`
	PreferredUsername onceString  `json:"preferred_username"`

	pol *verifyPolicy
}

// GetExpirationTime implements jwt.Claims.
func (c *wireClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.Exp.get(), nil }

// GetIssuedAt implements jwt.Claims.
func (c *wireClaims) GetIssuedAt() (*jwt.NumericDate, error) { return c.Iat.get(), nil }

// GetNotBefore implements jwt.Claims.
func (c *wireClaims) GetNotBefore() (*jwt.NumericDate, error) { return c.Nbf.get(), nil }

// GetIssuer implements jwt.Claims.
func (c *wireClaims) GetIssuer() (string, error) { return c.Iss.v, nil }

// GetSubject implements jwt.Claims.
func (c *wireClaims) GetSubject() (string, error) { return c.Sub.v, nil }

// GetAudience implements jwt.Claims.
func (c *wireClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Aud.v, nil }

// Validate implements jwt.ClaimsValidator: the checks that depend on the
// token's own tenant and version. The tenant allow-list is checked by Verify
// afterwards, so that a foreign tenant is told apart from a bad token.
func (c *wireClaims) Validate() error {
	tid := c.Tid.v
	switch {
	case !c.Exp.set: // the parser says "required claim missing" for exp and aud alike
		return errTokenNoExp
	case len(c.Aud.v) == 0:
		return errTokenAudience
	case tid == "":
		return errTokenNoTenant
	case c.Oid.v == "":
		return errTokenNoOID
	case len(c.Roles.v) > 0 || c.Idtyp.v == "app":
		return errTokenAppOnly
	}
	var client string
	switch c.Ver.v {
	case "1.0":
		if c.Iss.v != c.pol.issuers.V1(tid) {
			return errTokenIssuer
		}
		client = c.Appid.v
	case "2.0":
		if c.Iss.v != c.pol.issuers.V2(tid) {
			return errTokenIssuer
		}
		client = c.Azp.v
	default:
		return errTokenIssuer
	}
	if !slices.Contains(strings.Fields(c.Scp.v), c.pol.scope) {
		return errTokenScope
	}
	if !c.pol.clientApps[strings.ToLower(client)] {
		return errTokenClientApp
	}
	return nil
}

// export returns the claims FlowDeck uses.
func (c *wireClaims) export() Claims {
	upn := c.Upn.v
	if upn == "" {
		upn = c.PreferredUsername.v
	}
	client := c.Azp.v
	if c.Ver.v == "1.0" {
		client = c.Appid.v
	}
	return Claims{
		Version:     c.Ver.v,
		Issuer:      c.Iss.v,
		Audience:    slices.Clone([]string(c.Aud.v)),
		TenantID:    c.Tid.v,
		ObjectID:    c.Oid.v,
		Subject:     c.Sub.v,
		ClientAppID: client,
		Scopes:      strings.Fields(c.Scp.v),
		Name:        c.Name.v,
		UPN:         upn,
		IssuedAt:    c.Iat.t,
		NotBefore:   c.Nbf.t,
		ExpiresAt:   c.Exp.t,
	}
}

// onceString is a string claim that may appear once.
type onceString struct {
	v   string
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *onceString) UnmarshalJSON(b []byte) error {
	if s.set {
		return errDuplicateClaim
	}
	s.set = true
	// Fast path for the common case: a quoted string without escapes.
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 &&
		bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
		s.v = string(b[1 : len(b)-1])
		return nil
	}
	if string(b) == "null" {
		return errTokenMalformed
	}
	return json.Unmarshal(b, &s.v)
}

// onceStrings is a string-or-array claim (aud, roles) that may appear once.
type onceStrings struct {
	v   jwt.ClaimStrings
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *onceStrings) UnmarshalJSON(b []byte) error {
	if s.set {
		return errDuplicateClaim
	}
	s.set = true
	if string(b) == "null" {
		return errTokenMalformed
	}
	return s.v.UnmarshalJSON(b)
}

// onceDate is a NumericDate claim that may appear once.
type onceDate struct {
	t   time.Time
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *onceDate) UnmarshalJSON(b []byte) error {
	if d.set {
		return errDuplicateClaim
	}
	d.set = true
	if string(b) == "null" {
		return errTokenMalformed
	}
	var n jwt.NumericDate
	if err := n.UnmarshalJSON(b); err != nil {
		return err
	}
	d.t = n.Time
	return nil
}

// get returns the date for the jwt validator, nil when absent.
func (d *onceDate) get() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return jwt.NewNumericDate(d.t)
}
