package identity

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

var ownKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// ownSigned signs claims with a key the fake does not know, under kid ("" = no kid).
func ownSigned(tb testing.TB, m jwt.SigningMethod, kid string, c jwt.MapClaims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(ownKey())
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return s
}

func randomKID(tb testing.TB) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var b64 = base64.RawURLEncoding.EncodeToString

// rawToken signs header and payload JSON as written (RS256, own key).
func rawToken(header, payload string) string {
	in := b64([]byte(header)) + "." + b64([]byte(payload))
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, ownKey(), crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return in + "." + b64(sig)
}

// currentKID is the fake's signing key id.
func (e *vfEnv) currentKID() string {
	ids := e.entra.KeyIDs()
	return ids[len(ids)-1]
}

// publicKeyPEM fetches the fake's current public key as PEM, the secret of
// the classic HS256 key-confusion forgery.
func (e *vfEnv) publicKeyPEM() []byte {
	e.tb.Helper()
	resp, err := e.entra.Client().Get(e.entra.JWKSURL(demo.TenantID))
	if err != nil {
		e.tb.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			X5c []string `json:"x5c"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || len(set.Keys) == 0 {
		e.tb.Fatalf("JWKS: %v", err)
	}
	der, _ := base64.StdEncoding.DecodeString(set.Keys[0].X5c[0])
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		e.tb.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		e.tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
}

// payloadJSON returns a valid v2 payload as JSON with its last '}' cut off,
// so that a case can append members (duplicates) before closing it.
func (e *vfEnv) payloadJSON() string {
	b, err := json.Marshal(e.claimsOf(e.mint(entra.SSORequest{Version: 2})))
	if err != nil {
		e.tb.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "}")
}

// forgedCase is a token that must be rejected with kind (nil: accepted) for reason why.
type forgedCase struct {
	name string
	tok  func(e *vfEnv) string
	kind error
	why  error
}

func forgedCases() []forgedCase {
	unauth := flowdeck.ErrUnauthenticated
	now := func(e *vfEnv) time.Time { return e.clock.Now() }
	valid := func(e *vfEnv) string { return e.mint(entra.SSORequest{Version: 2}) }
	return []forgedCase{
		{"alg none", func(e *vfEnv) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodNone, e.claimsOf(valid(e)))
			tok.Header["kid"] = e.currentKID()
			s, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
			return s + strings.Split(valid(e), ".")[2] // a signature, so that alg is what fails
		}, unauth, errTokenAlg},
		{"alg none, empty signature", func(e *vfEnv) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodNone, e.claimsOf(valid(e)))
			s, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
			return s
		}, unauth, errTokenMalformed},
		{"HS256 keyed with the RSA public key", func(e *vfEnv) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, e.claimsOf(valid(e)))
			tok.Header["kid"] = e.currentKID()
			s, _ := tok.SignedString(e.publicKeyPEM())
			return s
		}, unauth, errTokenAlg},
		{"RS384", func(e *vfEnv) string {
			return ownSigned(e.tb, jwt.SigningMethodRS384, e.currentKID(), e.claimsOf(valid(e)))
		}, unauth, errTokenAlg},
		{"PS256", func(e *vfEnv) string {
			return ownSigned(e.tb, jwt.SigningMethodPS256, e.currentKID(), e.claimsOf(valid(e)))
		}, unauth, errTokenAlg},
		{"unknown alg", func(e *vfEnv) string {
			return b64([]byte(`{"alg":"XY999","kid":"k"}`)) + "." + b64([]byte(`{}`)) + ".c2ln"
		}, unauth, errTokenAlg},
		{"unknown kid", func(e *vfEnv) string {
			return ownSigned(e.tb, jwt.SigningMethodRS256, randomKID(e.tb), e.claimsOf(valid(e)))
		}, unauth, errUnknownKID},
		{"right kid, another key", func(e *vfEnv) string {
			return ownSigned(e.tb, jwt.SigningMethodRS256, e.currentKID(), e.claimsOf(valid(e)))
		}, unauth, errTokenSignature},
		{"no kid", func(e *vfEnv) string {
			return ownSigned(e.tb, jwt.SigningMethodRS256, "", e.claimsOf(valid(e)))
		}, unauth, errNoKeyID},
		{"signature of another token", func(e *vfEnv) string {
			a, b := strings.Split(valid(e), "."), strings.Split(e.mint(entra.SSORequest{Version: 1}), ".")
			return a[0] + "." + a[1] + "." + b[2]
		}, unauth, errTokenSignature},
		{"non-canonical signature base64", func(e *vfEnv) string {
			// The last of 342 characters holds 2 bits and 4 zero bits
			// (A, Q, g or w); the next letter decodes to the same bytes.
			tok := valid(e)
			return tok[:len(tok)-1] + string(tok[len(tok)-1]+1)
		}, unauth, errTokenMalformed},
		{"expired beyond leeway", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, IssuedAt: now(e).Add(-2 * time.Hour), Lifetime: time.Hour})
		}, unauth, errTokenExpired},
		{"expired within leeway (accepted)", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, IssuedAt: now(e).Add(-time.Hour - 4*time.Minute), Lifetime: time.Hour})
		}, nil, nil},
		{"nbf beyond leeway", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, NotBefore: now(e).Add(10 * time.Minute)})
		}, unauth, errTokenNotYetValid},
		{"nbf within leeway (accepted)", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 1, NotBefore: now(e).Add(4 * time.Minute)})
		}, nil, nil},
		{"iat beyond leeway", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, IssuedAt: now(e).Add(10 * time.Minute), NotBefore: now(e)})
		}, unauth, errTokenIssuedFuture},
		{"no exp", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { delete(c, "exp") })
		}, unauth, errTokenNoExp},
		{"exp not a number", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["exp"] = "tomorrow" })
		}, unauth, errTokenMalformed},
		{"wrong aud", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, Audience: "api://contoso.example/other"})
		}, unauth, errTokenAudience},
		{"aud array with a wrong value only", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["aud"] = []string{"api://x", "00000003-0000-0000-c000-000000000000"} })
		}, unauth, errTokenAudience},
		{"no aud", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { delete(c, "aud") })
		}, unauth, errTokenAudience},
		{"wrong iss", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["iss"] = "https://evil.example/" + demo.TenantID + "/v2.0" })
		}, unauth, errTokenIssuer},
		{"iss of another tenant than tid", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["iss"] = "https://login.microsoftonline.com/" + demo.OtherTenantID + "/v2.0" })
		}, unauth, errTokenIssuer},
		{"v1 iss with ver 2.0", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/" + demo.TenantID + "/" })
		}, unauth, errTokenIssuer},
		{"no ver", func(e *vfEnv) string {
			return e.resign(1, func(c jwt.MapClaims) { delete(c, "ver") })
		}, unauth, errTokenIssuer},
		{"no tid", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { delete(c, "tid") })
		}, unauth, errTokenNoTenant},
		{"tenant not allowed", func(e *vfEnv) string {
			u := demo.UsersOf(demo.OtherTenantID)[0]
			return e.mint(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
		}, flowdeck.ErrForbidden, errTenantNotAllowed},
		{"no scp", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { delete(c, "scp") })
		}, unauth, errTokenScope},
		{"scp without access_as_user", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, Scopes: []string{"User.Read", "access_as_user_x"}})
		}, unauth, errTokenScope},
		{"roles instead of scp (app-only)", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) {
				delete(c, "scp")
				c["roles"] = []string{"access_as_user"}
				c["idtyp"] = "app"
			})
		}, unauth, errTokenAppOnly},
		{"wrong azp", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 2, ClientAppID: "11111111-2222-3333-4444-555555555555"})
		}, unauth, errTokenClientApp},
		{"wrong appid (v1)", func(e *vfEnv) string {
			return e.mint(entra.SSORequest{Version: 1, ClientAppID: demo.ClientID})
		}, unauth, errTokenClientApp},
		{"v2 with appid but no azp", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["appid"] = c["azp"]; delete(c, "azp") })
		}, unauth, errTokenClientApp},
		{"missing oid", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { delete(c, "oid") })
		}, unauth, errTokenNoOID},
		{"truncated token", func(e *vfEnv) string { t := valid(e); return t[:len(t)-6] } /* 336 chars: whole bytes */, unauth, errTokenSignature},
		{"truncated to half", func(e *vfEnv) string { t := valid(e); return t[:len(t)/2] }, unauth, errTokenMalformed},
		{"two segments only", func(e *vfEnv) string { t := valid(e); return t[:strings.LastIndexByte(t, '.')] }, unauth, errTokenMalformed},
		{"four segments", func(e *vfEnv) string { return valid(e) + ".AAAA" }, unauth, errTokenMalformed},
		{"empty", func(e *vfEnv) string { return "" }, unauth, errTokenMalformed},
		{"garbage base64", func(e *vfEnv) string { return "eyJ%%%.***.!!!" }, unauth, errTokenMalformed},
		{"base64 of nothing JSON", func(e *vfEnv) string { return "Zm9v.YmFy.YmF6" }, unauth, errTokenMalformed},
		{"oversized token", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+strings.Repeat("k", MaxTokenBytes)+`"}`, `{}`)
		}, unauth, errTokenTooLarge},
		{"oversized claim within the limit", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["name"] = strings.Repeat("n", 8<<10) })
		}, nil, nil},
		{"non-JSON payload", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+e.currentKID()+`"}`, `not json at all`)
		}, unauth, errTokenMalformed},
		{"JSON array payload", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+e.currentKID()+`"}`, `[{"aud":"`+demo.ClientID+`"}]`)
		}, unauth, errTokenMalformed},
		{"duplicate aud, ours last", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+e.currentKID()+`"}`, e.payloadJSON()+`,"aud":"api://evil"}`)
		}, unauth, errDuplicateClaim},
		{"duplicate tid", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+e.currentKID()+`"}`, e.payloadJSON()+`,"tid":"`+demo.OtherTenantID+`"}`)
		}, unauth, errDuplicateClaim},
		{"tid again in upper case", func(e *vfEnv) string {
			return rawToken(`{"alg":"RS256","kid":"`+e.currentKID()+`"}`, e.payloadJSON()+`,"TID":"`+demo.OtherTenantID+`"}`)
		}, unauth, errDuplicateClaim},
		{"null oid", func(e *vfEnv) string {
			return e.resign(2, func(c jwt.MapClaims) { c["oid"] = nil })
		}, unauth, errTokenMalformed},
		{"whitespace-padded", func(e *vfEnv) string { return " " + valid(e) + "\n" }, unauth, errTokenMalformed},
		{"Bearer prefix left in", func(e *vfEnv) string { return "Bearer " + valid(e) }, unauth, errTokenMalformed},
	}
}

func TestVerifyForged(t *testing.T) {
	e := newVFEnv(t, nil)
	cases := forgedCases()
	rejected := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := e.remember(tc.tok(e))
			p, _, err := e.v.Verify(t.Context(), tok)
			if tc.kind == nil {
				if err != nil || !p.Valid() {
					t.Fatalf("Verify = %+v, %v; want accepted", p, err)
				}
				return
			}
			rejected++
			if err == nil {
				t.Fatalf("accepted, principal %+v", p)
			}
			if flowdeck.KindOf(err) != tc.kind {
				t.Errorf("kind = %v, want %v (%v)", flowdeck.KindOf(err), tc.kind, err)
			}
			if !errors.Is(err, tc.why) {
				t.Errorf("reason = %v, want %v", err, tc.why)
			}
			if msg := err.Error() + flowdeck.Message(err); jwtShaped.MatchString(msg) || (len(tok) > 16 && strings.Contains(msg, tok)) {
				t.Errorf("error text carries the token: %q", msg)
			}
		})
	}
	if rejected < 25 {
		t.Errorf("only %d forged cases", rejected)
	}
}

// TestVerifyDuplicateClaims signs payloads with duplicated claims with a key
// the verifier trusts (a local JWKS, since the fake signs only maps): the
// chosen behaviour is to reject any repeated claim that FlowDeck reads,
// whatever the order or letter case, before the signature is even checked.
func TestVerifyDuplicateClaims(t *testing.T) {
	kid := "own-key"
	pub := ownKey().PublicKey
	jwks := fmt.Sprintf(`{"keys":[{"kty":"RSA","use":"sig","kid":%q,"n":%q,"e":"AQAB"}]}`, kid, b64(pub.N.Bytes()))
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(jwks))
	}))
	t.Cleanup(ts.Close)
	e := newVFEnv(t, func(o *VerifierOptions) { o.JWKSURL, o.HTTPClient = ts.URL, ts.Client() })
	head := `{"alg":"RS256","typ":"JWT","kid":"` + kid + `"}`
	body := e.payloadJSON()

	if _, _, err := e.v.Verify(t.Context(), e.remember(rawToken(head, body+"}"))); err != nil {
		t.Fatalf("control (no duplicate) rejected: %v", err)
	}
	for _, extra := range []string{
		`,"aud":"api://evil"`, `,"aud":["api://evil"]`, `,"Aud":"api://evil"`,
		`,"tid":"` + demo.OtherTenantID + `"`, `,"TID":"` + demo.OtherTenantID + `"`,
		`,"iss":"https://login.microsoftonline.com/` + demo.OtherTenantID + `/v2.0"`,
		`,"oid":"someone-else"`, `,"scp":"access_as_user"`, `,"azp":"` + demo.TeamsWebClientID + `"`,
		`,"exp":4102444800`, `,"ver":"2.0"`,
	} {
		_, _, err := e.v.Verify(t.Context(), e.remember(rawToken(head, body+extra+"}")))
		if !errors.Is(err, errDuplicateClaim) || flowdeck.KindOf(err) != flowdeck.ErrUnauthenticated {
			t.Errorf("payload + %s: err = %v, want duplicate claim", extra, err)
		}
	}
	// A repeated claim FlowDeck does not read is left to encoding/json.
	if _, _, err := e.v.Verify(t.Context(), e.remember(rawToken(head, body+`,"aio":"x"}`))); err != nil {
		t.Errorf("repeated unread claim: %v", err)
	}
}
