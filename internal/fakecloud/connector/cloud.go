package connector

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// CloudOptions make the fake Bot Framework play one Microsoft cloud: the
// issuer it signs channel tokens as, the audience the bot's connector token
// must carry, and the Entra issuers of tenant-issued channel tokens. The zero
// value plays the public cloud.
type CloudOptions struct {
	// ChannelIssuer is the iss of the channel tokens the fake signs with its
	// Bot Framework keys, and its metadata's issuer; default ChannelIssuer.
	// Azure Government's is https://api.botframework.us (GCC High, DoD).
	ChannelIssuer string
	// BotAudience is the aud the bot's app-only token must carry: the
	// resource of the cloud's connector scope; default
	// https://api.botframework.com (Azure Government: https://api.botframework.us).
	BotAudience string
	// TenantID is the bot's tenant, the issuer of tenant-issued channel
	// tokens; default the demo tenant.
	TenantID string
	// EntraV1Issuer and EntraV2Issuer are the cloud's Entra issuer prefixes
	// (https://sts.windows.net/, https://login.microsoftonline.com/ by default).
	EntraV1Issuer, EntraV2Issuer string
	// EntraSign signs tenant-issued channel tokens with the cloud's Entra
	// keys, e.g. (*entra.Server).Sign. nil: the fake issues Bot Framework
	// tokens only.
	EntraSign func(jwt.MapClaims) (string, error)
}

// TokenForm is the form of a channel token the fake issues.
type TokenForm int

// The forms of channel tokens the Microsoft 365 Agents SDK accepts
// (microsoft/Agents-for-net src/samples/Shared/AspNetExtensions.cs, ValidIssuers).
const (
	// FormBotFramework is signed by the Bot Framework's keys, iss the cloud's
	// Bot Framework issuer, with the serviceurl claim.
	FormBotFramework TokenForm = iota
	// FormTenantV1 is signed by the cloud's Entra keys, iss
	// https://sts.windows.net/{tid}/, with tid.
	FormTenantV1
	// FormTenantV2 is signed by the cloud's Entra keys, iss
	// https://login.microsoftonline.com/{tid}/v2.0 (login.microsoftonline.us
	// in Azure Government), with tid.
	FormTenantV2
)

func (o *CloudOptions) defaults(tenantID string) {
	if o.ChannelIssuer == "" {
		o.ChannelIssuer = ChannelIssuer
	}
	if o.BotAudience == "" {
		o.BotAudience = "https://api.botframework.com"
	}
	if o.TenantID == "" {
		o.TenantID = tenantID
	}
	if o.EntraV1Issuer == "" {
		o.EntraV1Issuer = "https://sts.windows.net/"
	}
	if o.EntraV2Issuer == "" {
		o.EntraV2Issuer = "https://login.microsoftonline.com/"
	}
}

// Issuer returns the iss of channel tokens of form f issued by tenant tid
// (ignored for FormBotFramework).
func (s *Server) Issuer(f TokenForm, tid string) string {
	switch f {
	case FormTenantV1:
		return s.cloud.EntraV1Issuer + tid + "/"
	case FormTenantV2:
		return s.cloud.EntraV2Issuer + tid + "/v2.0"
	default:
		return s.cloud.ChannelIssuer
	}
}

// TenantClaims returns valid claims of a tenant-issued channel token of form
// f, with tid equal to the issuer's tenant (microsoft/Agents-for-js
// packages/agents-hosting/src/auth/jwt-middleware.ts, validateTenantBinding),
// for botID from the bot's tenant. It carries no serviceurl claim: whether
// the Bot Service puts one in a tenant-issued token is unverified, and
// without it the bot must check the activity's serviceUrl host itself (the
// stricter case).
func (s *Server) TenantClaims(f TokenForm, botID string) jwt.MapClaims {
	return s.TenantClaimsOf(f, s.cloud.TenantID, botID)
}

// TenantClaimsOf is TenantClaims issued by tenant tid instead: one of the
// Microsoft service tenants whose issuers the Agents SDK also accepts
// (cloud.Cloud.BotServiceTenants), or a forger's.
func (s *Server) TenantClaimsOf(f TokenForm, tid, botID string) jwt.MapClaims {
	now := s.now()
	ver := "1.0"
	if f == FormTenantV2 {
		ver = "2.0"
	}
	return jwt.MapClaims{
		"iss": s.Issuer(f, tid),
		"aud": botID,
		"tid": tid,
		"ver": ver,
		"iat": now.Unix(),
		"nbf": now.Add(-5 * time.Second).Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

// ChannelTokenAs signs a channel token of form f for botID and an activity
// with serviceURL: FormBotFramework with the Bot Framework's current key,
// the tenant forms with the cloud's Entra keys.
func (s *Server) ChannelTokenAs(f TokenForm, botID, serviceURL string) (string, error) {
	return s.ChannelTokenFrom(f, "", botID, serviceURL)
}

// ChannelTokenFrom is ChannelTokenAs with the tenant forms issued by tenant
// tid ("": the bot's tenant).
func (s *Server) ChannelTokenFrom(f TokenForm, tid, botID, serviceURL string) (string, error) {
	if f == FormBotFramework {
		return s.ChannelToken(botID, serviceURL)
	}
	if s.cloud.EntraSign == nil {
		return "", fmt.Errorf("connector: tenant-issued tokens need CloudOptions.EntraSign")
	}
	if tid == "" {
		tid = s.cloud.TenantID
	}
	return s.cloud.EntraSign(s.TenantClaimsOf(f, tid, botID))
}
