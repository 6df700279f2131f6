package main

import (
	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/identity"
)

var doctorUsage = `Usage: flowdeck doctor [flags]

Checks a deployment before users meet it: the configuration (every problem at
once), the Entra authority's OpenID metadata for the home tenant and the keys
of Teams SSO tokens, the Bot Framework's channel-token metadata, the Teams SSO
wiring (the manifest's webApplicationInfo against the Application ID URI, the
public host and the client id), the client certificate's validity, an
app-only token for the Bot Connector (the app's credential, secret or
certificate), and FlowDeck answering on its public URL. Then it prints the
Entra app registration and Azure Bot checklist and the admin-consent URL. It
exits non-zero on any failure.

Flags:
` + configFlagsUsage + "\n" + config.Usage()

// check is one doctor check: a name, and what to run.
type check struct {
	name string
	run  func(context.Context) error
}

func runDoctor(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("doctor", doctorUsage, e)
	o := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, code, ok := loadConfig(o, e, config.Serve, "doctor")
	if !ok {
		return code
	}
	fmt.Fprintln(e.stdout, "Configuration (secrets redacted):")
	for _, s := range c.Settings() {
		fmt.Fprintf(e.stdout, "  %s=%s\n", s.Name, s.Value)
	}
	fmt.Fprintln(e.stdout, "\nChecks:")
	client, err := app.OutboundClient(c)
	if err != nil {
		fmt.Fprintf(e.stdout, "  FAIL  outbound TLS: %v\n", err)
		return exitFailure
	}
	failed := false
	for _, ch := range doctorChecks(c, client) {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := ch.run(cctx)
		cancel()
		if err != nil {
			failed = true
			fmt.Fprintf(e.stdout, "  FAIL  %s: %v\n", ch.name, err)
			continue
		}
		fmt.Fprintf(e.stdout, "  ok    %s\n", ch.name)
	}
	fmt.Fprint(e.stdout, registrationChecklist(c))
	if failed {
		fmt.Fprintln(e.stdout, "\nSome checks failed; fix them, then run flowdeck doctor again.")
		return exitFailure
	}
	fmt.Fprintln(e.stdout, "\nAll checks passed.")
	return exitOK
}

func doctorChecks(c config.Config, client *http.Client) []check {
	checks := []check{
		{"the Entra authority answers with OpenID metadata for the home tenant", func(ctx context.Context) error {
			return app.CheckOIDC(ctx, client, c.Authority(c.TenantID)+"/v2.0/.well-known/openid-configuration")
		}},
		{"the Entra authority publishes the signing keys of Teams SSO tokens", func(ctx context.Context) error {
			return checkJWKS(ctx, client, c.AuthorityURL.JoinPath("common", "discovery", "v2.0", "keys").String(), "")
		}},
		{"the Bot Framework's OpenID metadata answers, with keys endorsed for msteams", func(ctx context.Context) error {
			return checkBotMetadata(ctx, client, c.BotOpenIDMetadataURL.String())
		}},
		{"Teams SSO wiring: webApplicationInfo = {client id, " + c.AppIDURI + "}, valid domain " + c.PublicURL.Host, func(context.Context) error {
			return checkTeamsSSOWiring(c)
		}},
	}
	if c.ClientCertFile != "" {
		checks = append(checks, check{"the client certificate is valid for 30 days or more", func(context.Context) error {
			return checkClientCertificate(c, time.Now())
		}})
	}
	return append(checks, []check{
		{"the app's credential obtains an app-only token for the Bot Connector", func(ctx context.Context) error {
			cred, err := app.Credential(c)
			if err != nil {
				return err
			}
			src, err := identity.NewAppTokenSource(identity.AppTokenOptions{
				Authority: c.AuthorityURL.String(), TenantID: c.TenantID, ClientID: c.ClientID, Credential: cred,
				HTTPClient: client, Scope: app.BotCloud(c).BotScope, DisableInstanceDiscovery: !app.MicrosoftAuthority(c.AuthorityURL),
			})
			if err != nil {
				return err
			}
			if _, err := src.Token(ctx); err != nil {
				return credentialProblem(err, c)
			}
			return nil
		}},
		{"FlowDeck answers on its public URL", func(ctx context.Context) error {
			return checkHealth(ctx, client, c.PublicURL.JoinPath("healthz").String())
		}},
	}...)
}

// checkHealth asks FlowDeck's /healthz on its public URL.
func checkHealth(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w (is FlowDeck running, and does FLOWDECK_PUBLIC_URL route to it?)", url, err)
	}
	defer resp.Body.Close()
	var body struct{ Status string }
	json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body)
	if resp.StatusCode != http.StatusOK || body.Status != "ok" {
		return fmt.Errorf("%s answered %s, not FlowDeck's health answer (does FLOWDECK_PUBLIC_URL point at FlowDeck?)", url, resp.Status)
	}
	return nil
}

// registrationChecklist is what the Entra app registration must hold for this
// configuration (docs/setup-entra.md has every step).
func registrationChecklist(c config.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nEntra app registration checklist (app %s, tenant %s; details in docs/setup-entra.md):\n", c.ClientID, c.TenantID)
	fmt.Fprintf(&b, "  [ ] Expose an API: Application ID URI %s\n", c.AppIDURI)
	b.WriteString("  [ ] Expose an API: scope access_as_user (admins and users)\n")
	b.WriteString("  [ ] Expose an API: pre-authorize the Teams, Microsoft 365 and Outlook clients for access_as_user:\n")
	for _, id := range identity.DefaultClientApps() {
		fmt.Fprintf(&b, "        %s\n", id)
	}
	b.WriteString("  [ ] API permissions (delegated): Power Automate (Microsoft Flow Service): Flows.Read.All, Flows.Manage.All,\n")
	b.WriteString("      Activity.Read.All, Approvals.Read.All, Approvals.Manage.All; PowerApps Service: User;\n")
	b.WriteString("      Microsoft Graph: User.Read, User.ReadBasic.All (people's names), offline_access, openid, profile\n")
	fmt.Fprintf(&b, "  [ ] Authentication: Web redirect URI %s\n", c.PublicURL.JoinPath("auth", "end"))
	fmt.Fprintf(&b, "  [ ] Azure Bot: type Single Tenant, Microsoft App ID %s, App tenant ID %s\n", c.ClientID, c.TenantID)
	fmt.Fprintf(&b, "  [ ] Azure Bot: messaging endpoint %s; channel Microsoft Teams added\n", c.PublicURL.JoinPath("api", "messages"))
	b.WriteString("  [ ] Azure Bot: no OAuth connection setting is needed (FlowDeck exchanges the Teams SSO token itself)\n")
	fmt.Fprintf(&b, "  [ ] Teams app: upload the package of 'flowdeck manifest' (webApplicationInfo.resource %s)\n", c.AppIDURI)
	b.WriteString("\nOptional (an administrator grants them; FlowDeck never asks users for them):\n")
	b.WriteString("  [ ] Microsoft Graph (APPLICATION permission, not delegated): TeamsActivity.Send, with admin consent: users who choose\n")
	b.WriteString("      the activity feed in the tab's settings get failure alerts and approvals there (without it, as cards in the chat).\n")
	b.WriteString("      FlowDeck sends them as itself: Teams does not deliver a notification whose sender is its recipient\n")
	b.WriteString("  [ ] Microsoft Graph (delegated): TeamsAppInstallation.ReadWriteSelfForUser, with admin consent: FlowDeck then installs\n")
	b.WriteString("      itself in the chat of tab users who never opened it, so approvals and failure alerts reach them\n")
	if c.TeamsCatalogAppID == "" {
		b.WriteString("      (also set FLOWDECK_TEAMS_CATALOG_APP_ID to FlowDeck's id in your Teams app catalog: not set now, so FlowDeck only links to its chat)\n")
	} else {
		fmt.Fprintf(&b, "      (FLOWDECK_TEAMS_CATALOG_APP_ID %s: check it is FlowDeck's id in your Teams app catalog, not the manifest id)\n", c.TeamsCatalogAppID)
	}
	if reg, err := identity.NewRegistry(identity.RegistryOptions{Cloud: c.Cloud, FlowAudience: c.FlowAudience, PowerAppsAudience: c.PowerAppsAudience, GraphAudience: c.GraphAudience}); err == nil {
		b.WriteString("\nScopes FlowDeck asks (each token's aud is the resource exactly, trailing slash included):\n")
		for _, a := range reg.All() {
			fmt.Fprintf(&b, "  %-16s %s  (aud %s)\n", a.Name+":", a.DefaultScope(), a.Resource)
		}
	}
	fmt.Fprintf(&b, "\nAdmin consent (send this to a tenant admin):\n  %s\n",
		identity.AdminConsentURL(c.AuthorityURL.String(), c.TenantID, c.ClientID, c.PublicURL.JoinPath("auth", "end").String(), audiences(c)...))
	return b.String()
}

// audiences are the configured resources, in registry order.
func audiences(c config.Config) []string {
	reg, err := identity.NewRegistry(identity.RegistryOptions{Cloud: c.Cloud, FlowAudience: c.FlowAudience, PowerAppsAudience: c.PowerAppsAudience, GraphAudience: c.GraphAudience})
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range reg.All() {
		out = append(out, a.Resource)
	}
	return out
}
