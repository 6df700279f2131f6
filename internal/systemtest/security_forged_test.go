package systemtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// forgery is a token FlowDeck must refuse with one of want.
type forgery struct {
	name string
	tok  string // the Authorization header as sent
	want []int
}

var unauthorized = []int{http.StatusUnauthorized}

// forgedSSO builds the tab's forgeries: every one names u (the victim), so
// anything that reached upstream for them would carry u's object id.
func forgedSSO(t *testing.T, s *stack, u demo.User) []forgery {
	t.Helper()
	idp := s.Cloud.Entra
	valid := s.secSSO(t, u)
	resign := func(edit func(jwt.MapClaims)) string {
		c := secClaims(t, valid)
		edit(c)
		tok, err := idp.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	mint := func(r entra.SSORequest) string {
		r.TenantID, r.UserID = u.TenantID, u.ID
		if r.Audience == "" {
			r.Audience = s.Config.AppIDURI
		}
		tok, err := idp.MintSSOToken(r)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	kids := idp.KeyIDs()
	kid := kids[len(kids)-1]
	own, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ownSigned := func(m jwt.SigningMethod, kid string) string {
		tok := jwt.NewWithClaims(m, secClaims(t, valid))
		if kid != "" {
			tok.Header["kid"] = kid
		}
		out, err := tok.SignedString(own)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, secClaims(t, valid))
	none.Header["kid"] = kid
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, secClaims(t, valid))
	hs.Header["kid"] = kid
	hsTok, err := hs.SignedString(entraPublicKeyPEM(t, s, kid))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	channelTok, err := s.Cloud.Connector.ChannelToken(demo.ClientID, s.Cloud.Connector.ServiceURL())
	if err != nil {
		t.Fatal(err)
	}
	dot := strings.LastIndexByte(valid, '.')
	other := mint(entra.SSORequest{Version: 2})
	b := func(tok string) string { return "Bearer " + tok }
	return []forgery{
		{"no scheme", valid, unauthorized},
		{"Basic scheme", "Basic " + valid, unauthorized},
		{"empty bearer", "Bearer ", unauthorized},
		{"garbage", b("not.a.token"), unauthorized},
		{"alg none", b(noneTok), unauthorized},
		{"HS256 keyed with the public key", b(hsTok), unauthorized},
		{"RS256 with the current kid and another key", b(ownSigned(jwt.SigningMethodRS256, kid)), unauthorized},
		{"unknown kid", b(ownSigned(jwt.SigningMethodRS256, "forged-kid")), unauthorized},
		{"no kid", b(ownSigned(jwt.SigningMethodRS256, "")), unauthorized},
		{"PS256", b(ownSigned(jwt.SigningMethodPS256, kid)), unauthorized},
		{"signature of another token", b(valid[:dot] + other[strings.LastIndexByte(other, '.'):]), unauthorized},
		{"truncated", b(valid[:len(valid)-10]), unauthorized},
		{"oversized", b(strings.Repeat("a", 64<<10)), unauthorized},
		{"expired", b(mint(entra.SSORequest{IssuedAt: now.Add(-3 * time.Hour), Lifetime: time.Hour})), unauthorized},
		{"not yet valid", b(mint(entra.SSORequest{NotBefore: now.Add(20 * time.Minute)})), unauthorized},
		{"another app's audience", b(mint(entra.SSORequest{Audience: "api://evil.example/botid-" + demo.ClientID})), unauthorized},
		{"wrong issuer", b(resign(func(c jwt.MapClaims) { c["iss"] = "https://evil.example/" + u.TenantID + "/" })), unauthorized},
		{"issuer of another tenant than tid", b(resign(func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/" + demo.OtherTenantID + "/" })), unauthorized},
		{"no access_as_user", b(mint(entra.SSORequest{Scopes: []string{"User.Read"}})), unauthorized},
		{"app-only", b(resign(func(c jwt.MapClaims) { delete(c, "scp"); c["roles"] = []string{"access_as_user"}; c["idtyp"] = "app" })), unauthorized},
		{"not a Teams client", b(mint(entra.SSORequest{ClientAppID: "11111111-2222-3333-4444-555555555555"})), unauthorized},
		{"no oid", b(resign(func(c jwt.MapClaims) { delete(c, "oid") })), unauthorized},
		{"no tid", b(resign(func(c jwt.MapClaims) { delete(c, "tid") })), unauthorized},
		{"a channel token", b(channelTok), unauthorized},
	}
}

// forgedChannel builds the bot's forgeries for activities from u; the
// activity's serviceUrl is the real one unless the case says otherwise.
func forgedChannel(t *testing.T, s *stack, u demo.User) []forgery {
	t.Helper()
	conn := s.Cloud.Connector
	su := conn.ServiceURL()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := conn.ChannelClaims(demo.ClientID, su)
		if edit != nil {
			edit(c)
		}
		return c
	}
	sign := func(k connector.SigningKey, c jwt.MapClaims) string {
		tok, err := conn.SignWith(k, jwt.SigningMethodRS256, c)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	kid := conn.KeyIDs()[len(conn.KeyIDs())-1]
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil))
	none.Header["kid"] = kid
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	der, err := x509.MarshalPKIXPublicKey(conn.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"] = kid
	hsTok, err := hs.SignedString(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tenantTok, err := s.Cloud.Entra.Sign(jwt.MapClaims{"iss": "https://sts.windows.net/" + demo.TenantID + "/", "aud": demo.ClientID,
		"serviceurl": su, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	// Tenant-issued tokens: what the fake Bot Service issues, edited.
	tenant := func(f connector.TokenForm, edit func(jwt.MapClaims)) jwt.MapClaims {
		c := conn.TenantClaims(f, demo.ClientID)
		if edit != nil {
			edit(c)
		}
		return c
	}
	entraSigned := func(c jwt.MapClaims) string {
		tok, err := s.Cloud.Entra.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	iss := func(v string) func(jwt.MapClaims) { return func(c jwt.MapClaims) { c["iss"] = v } }
	forbidden := []int{http.StatusForbidden}
	return []forgery{
		{"no scheme", strings.TrimPrefix(sign(connector.KeyCurrent, claims(nil)), "Bearer "), unauthorized},
		{"empty bearer", "Bearer ", unauthorized},
		{"garbage", "Bearer not.a.jwt", unauthorized},
		{"alg none", "Bearer " + noneTok, unauthorized},
		{"HS256 keyed with the public key", "Bearer " + hsTok, unauthorized},
		{"unknown kid", sign(connector.KeyUnpublished, claims(nil)), unauthorized},
		{"the current kid, another key", sign(connector.KeyImpostor, claims(nil)), unauthorized},
		{"key without endorsements", sign(connector.KeyUnendorsed, claims(nil)), forbidden},
		{"key endorsed for another channel", sign(connector.KeyOtherChannel, claims(nil)), forbidden},
		{"serviceurl claim of another host", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["serviceurl"] = "https://evil.example/teams/" })), unauthorized},
		{"no serviceurl claim", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { delete(c, "serviceurl") })), unauthorized},
		{"wrong issuer", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["iss"] = "https://api.botframework.com.evil" })), unauthorized},
		{"another bot's audience", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["aud"] = "0b7e2a4c-1111-4222-8333-444455556666" })), unauthorized},
		{"expired", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-10 * time.Minute).Unix() })), unauthorized},
		{"not yet valid", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(20 * time.Minute).Unix() })), unauthorized},
		{"a tenant token without tid", "Bearer " + tenantTok, unauthorized},
		// The cross-over cases: each issuer with its own keys, tenant, audience and cloud only.
		{"tenant v1 issuer signed with Bot Framework keys", sign(connector.KeyCurrent, tenant(connector.FormTenantV1, nil)), unauthorized},
		{"tenant v2 issuer signed with Bot Framework keys", sign(connector.KeyCurrent, tenant(connector.FormTenantV2, nil)), unauthorized},
		{"Bot Framework issuer signed with Entra keys", entraSigned(claims(nil)), unauthorized},
		{"another tenant's issuer", entraSigned(tenant(connector.FormTenantV2, func(c jwt.MapClaims) {
			c["iss"], c["tid"] = "https://login.microsoftonline.com/"+demo.OtherTenantID+"/v2.0", demo.OtherTenantID
		})), unauthorized},
		{"issuer's tenant differs from tid", entraSigned(tenant(connector.FormTenantV1, func(c jwt.MapClaims) { c["tid"] = demo.OtherTenantID })), unauthorized},
		{"service tenant's issuer with the bot's tid", entraSigned(tenant(connector.FormTenantV1, iss("https://sts.windows.net/69e9b82d-4842-4902-8d1e-abc5b98a55e8/"))), unauthorized},
		{"look-alike tenant issuer", entraSigned(tenant(connector.FormTenantV1, iss("https://sts.windows.net.evil.example/"+demo.TenantID+"/"))), unauthorized},
		{"look-alike v2 issuer", entraSigned(tenant(connector.FormTenantV2, iss("https://login.microsoftonline.com/"+demo.TenantID+"/v2.0/evil"))), unauthorized},
		{"tenant token for the Bot Framework audience", entraSigned(tenant(connector.FormTenantV2, func(c jwt.MapClaims) { c["aud"] = "https://api.botframework.com" })), unauthorized},
		{"tenant token for another bot", entraSigned(tenant(connector.FormTenantV1, func(c jwt.MapClaims) { c["aud"] = "0b7e2a4c-1111-4222-8333-444455556666" })), unauthorized},
		{"Bot Framework token for the Bot Framework audience", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["aud"] = "https://api.botframework.com" })), unauthorized},
		{"a government Bot Framework token at a public bot", sign(connector.KeyCurrent, claims(iss("https://api.botframework.us"))), unauthorized},
		{"a government tenant token at a public bot", entraSigned(tenant(connector.FormTenantV2, iss("https://login.microsoftonline.us/"+demo.TenantID+"/v2.0"))), unauthorized},
		{"the government service tenant at a public bot", entraSigned(tenant(connector.FormTenantV1, func(c jwt.MapClaims) {
			c["iss"], c["tid"] = "https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/", "cab8a31a-1906-4287-a0d8-4eef66b95f6e"
		})), unauthorized},
		{"expired tenant token", entraSigned(tenant(connector.FormTenantV2, func(c jwt.MapClaims) { c["exp"] = now.Add(-10 * time.Minute).Unix() })), unauthorized},
		{"an SSO token", "Bearer " + s.secSSO(t, u), unauthorized},
	}
}

// entraPublicKeyPEM is the fake Entra ID's public key kid as PEM, the
// secret of the HS256 key-confusion forgery.
func entraPublicKeyPEM(t *testing.T, s *stack, kid string) []byte {
	t.Helper()
	resp, err := s.Cloud.Entra.Client().Get(s.Cloud.Entra.JWKSURL(demo.TenantID))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			X5c []string `json:"x5c"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Keys {
		if k.Kid != kid || len(k.X5c) == 0 {
			continue
		}
		der, _ := base64.StdEncoding.DecodeString(k.X5c[0])
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	}
	t.Fatalf("kid %s not in the JWKS", kid)
	return nil
}

// TestSecurityForgedTokens sends every forged SSO token to the tab API and
// every forged channel token to /api/messages, all at once, while a real
// user keeps using both: every forgery gets 401 (403 for a key not endorsed
// for the channel), the real traffic keeps working, and nothing reaches Power
// Platform, Entra ID's token endpoint or the Bot Connector on the victim's
// behalf.
func TestSecurityForgedTokens(t *testing.T) {
	s := newSecurityStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	victim, user := secUser(t, "Adele Vance"), secUser(t, "Megan Bowen")
	sso, channel := forgedSSO(t, s, victim), forgedChannel(t, s, victim)

	// The real user signs in through the tab first (OBO for every service).
	if a := s.do(ctx, t, http.MethodGet, "/api/me", "Bearer "+s.secSSO(t, user), nil); a.status != http.StatusOK {
		t.Fatalf("GET /api/me as %s = %d %.300s", user.Name, a.status, a.body)
	}

	const rounds = 3
	var wg sync.WaitGroup
	for range rounds {
		wg.Go(func() { // real traffic, interleaved with the forgeries
			if a := s.do(ctx, t, http.MethodGet, "/api/flows", "Bearer "+s.secSSO(t, user), nil); a.status != http.StatusOK {
				t.Errorf("real user's GET /api/flows = %d %.300s", a.status, a.body)
			}
			if res, err := s.Driver.Say(ctx, user, "envs"); err != nil || res.Status != http.StatusOK {
				t.Errorf("real user's envs: %v, status %d", err, res.Status)
			}
		})
		for _, f := range sso {
			wg.Go(func() {
				a := s.do(ctx, t, http.MethodGet, "/api/flows", f.tok, nil)
				checkRefused(t, "SSO "+f.name, f, a)
			})
		}
		for _, f := range channel {
			wg.Go(func() {
				msg := s.Driver.Activity(victim, "message")
				msg["text"] = "envs"
				checkRefused(t, "channel "+f.name+" (message)", f, s.secPost(ctx, t, f.tok, msg))
				// A forged channel token around a genuine SSO token must not
				// sign the victim in either.
				inv := s.Driver.Activity(victim, "invoke")
				inv["name"], inv["value"] = "signin/tokenExchange", map[string]any{"id": "x", "connectionName": "", "token": s.secSSO(t, victim)}
				checkRefused(t, "channel "+f.name+" (token exchange)", f, s.secPost(ctx, t, f.tok, inv))
			})
		}
	}
	wg.Wait()

	// The tenant is not allowed: a genuine token of Fabrikam is refused.
	foreign := demo.UsersOf(demo.OtherTenantID)[0]
	if a := s.do(ctx, t, http.MethodGet, "/api/flows", "Bearer "+s.secSSO(t, foreign), nil); a.status != http.StatusForbidden {
		t.Errorf("SSO token of a tenant not allowed: %d %.200s, want 403", a.status, a.body)
	}
	// A genuine channel token, an activity with another serviceUrl (the
	// replies would go to the attacker), and the other way round.
	good, err := s.Cloud.Connector.ChannelToken(demo.ClientID, s.Cloud.Connector.ServiceURL())
	if err != nil {
		t.Fatal(err)
	}
	moved := s.Driver.Activity(victim, "message")
	moved["text"], moved["serviceUrl"] = "envs", "https://evil.example/teams/"
	if a := s.secPost(ctx, t, "Bearer "+good, moved); a.status != http.StatusUnauthorized {
		t.Errorf("activity with a serviceUrl other than the token's: %d, want 401", a.status)
	}
	evil, err := s.Cloud.Connector.ChannelToken(demo.ClientID, "https://evil.example/teams/")
	if err != nil {
		t.Fatal(err)
	}
	msg := s.Driver.Activity(victim, "message")
	msg["text"] = "envs"
	if a := s.secPost(ctx, t, "Bearer "+evil, msg); a.status != http.StatusUnauthorized {
		t.Errorf("token for another serviceUrl: %d, want 401", a.status)
	}
	checkServiceURLHost(ctx, t, s, victim)

	// The real user got every answer.
	if _, err := s.Cloud.Connector.WaitFor(ctx, s.Driver.ConversationID(user), rounds); err != nil {
		t.Errorf("the real user's bot answers: %v", err)
	}
	checkNothingUpstreamFor(t, s, victim, user)
}

// checkRefused fails unless a is one of f's statuses without the token in it.
func checkRefused(t *testing.T, what string, f forgery, a answer) {
	t.Helper()
	ok := false
	for _, w := range f.want {
		ok = ok || a.status == w
	}
	if !ok {
		t.Errorf("%s: %d %.200s, want %v", what, a.status, a.body, f.want)
	}
	if tok := strings.TrimPrefix(f.tok, "Bearer "); len(tok) > 16 && strings.Contains(a.body, tok) {
		t.Errorf("%s: the answer echoes the token", what)
	}
}

// checkNothingUpstreamFor fails if Power Platform saw a call for victim, if
// Entra ID's token endpoint was asked for anything but user's exchanges, or
// if the Bot Connector got anything for victim's conversation.
func checkNothingUpstreamFor(t *testing.T, s *stack, victim, user demo.User) {
	t.Helper()
	for _, r := range s.Cloud.PowerPlatform.Requests() {
		if r.UserOID == victim.ID {
			t.Errorf("Power Platform saw %s %s as %s", r.Method, r.Path, victim.Name)
		}
	}
	resources := []string{entra.FlowResource, entra.PowerAppsResource, entra.GraphResource}
	mine := 0
	for _, r := range resources {
		mine += s.Cloud.Entra.OBOCount(user.TenantID, user.ID, r)
		if n := s.Cloud.Entra.OBOCount(victim.TenantID, victim.ID, r); n != 0 {
			t.Errorf("%d OBO exchanges for %s to %s", n, victim.Name, r)
		}
	}
	if all := s.Cloud.Entra.GrantCount(entra.GrantOBO); all != mine {
		t.Errorf("%d OBO requests at Entra ID, %d of them %s's: the rest came from forgeries", all, mine, user.Name)
	}
	for _, g := range []string{"refresh_token", "authorization_code"} {
		if n := s.Cloud.Entra.GrantCount(g); n != 0 {
			t.Errorf("%d %s grants at Entra ID", n, g)
		}
	}
	if recs := s.Cloud.Connector.Records(s.Driver.ConversationID(victim)); len(recs) != 0 {
		t.Errorf("the Bot Connector got %d activities for %s's conversation", len(recs), victim.Name)
	}
	for _, c := range s.Cloud.Connector.Calls() {
		if strings.Contains(c.Path, s.Driver.ConversationID(victim)) {
			t.Errorf("Bot Connector call %s %s for %s", c.Method, c.Path, victim.Name)
		}
	}
}
