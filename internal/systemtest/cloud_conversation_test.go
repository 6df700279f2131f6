package systemtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// FlowDeck runs as each cloud against the local cloud playing that cloud's
// Bot Framework: channel tokens signed as the cloud's issuers (the Bot
// Framework's and the bot tenant's v1 and v2), the connector token asked for
// the cloud's scope and refused for any other, deep links on the cloud's
// Teams host and the cloud's frame ancestors. Adele holds a conversation:
// install, sign-in, a command, a proactive card and a card action on it. A
// token of another cloud's Bot Framework is refused.
func TestConversationInEveryCloud(t *testing.T) {
	for _, name := range cloud.Names() {
		t.Run(name, func(t *testing.T) {
			cl, _ := cloud.Get(name)
			s := newStack(t, localcloud.StackOptions{Cloud: name})
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			adele := demo.Users()[0]

			// Install: the greeting arrives, with a deep link on the cloud's Teams host.
			if res, err := s.Driver.Install(ctx, adele); err != nil || res.Status/100 != 2 {
				t.Fatalf("install: %v, status %d", err, res.Status)
			}
			welcome := s.waitCards(ctx, t, adele, "Welcome to FlowDeck", 1)
			if link := "https://" + cl.TeamsHost + "/l/entity/" + demo.ClientID; !strings.Contains(string(welcome[0].Raw), link) {
				t.Errorf("the greeting has no deep link to %s: %.400s", link, welcome[0].Raw)
			}

			// Every channel token form of the cloud is accepted: the bot's
			// tenant and the cloud's Microsoft service tenants, v1 and v2.
			helps := 0
			for _, tid := range append([]string{demo.TenantID}, cl.BotServiceTenants...) {
				for _, f := range []connector.TokenForm{connector.FormTenantV1, connector.FormTenantV2} {
					helps++
					d, err := connector.NewDriver(connector.DriverOptions{Server: s.Cloud.Connector, BotURL: s.URL() + "/api/messages",
						TokenForm: f, TokenTenant: tid})
					if err != nil {
						t.Fatal(err)
					}
					if res, err := d.Say(ctx, adele, "help"); err != nil || res.Status != http.StatusOK {
						t.Errorf("help with a tenant-issued token (iss %s): %v, %d %.200s", s.Cloud.Connector.Issuer(f, tid), err, res.Status, res.Body)
					}
				}
			}

			// Every help is answered before the conversation goes on (the
			// connector's rate limits may delay the answers), so that a later
			// question is not answered by an earlier help card.
			s.waitCards(ctx, t, adele, "FlowDeck commands", helps)

			// Another cloud's Bot Framework issuer is refused.
			other := "https://api.botframework.us"
			if cl.BotChannelIssuer == other {
				other = "https://api.botframework.com"
			}
			forged := s.Cloud.Connector.ChannelClaims(demo.ClientID, s.Cloud.Connector.ServiceURL())
			forged["iss"] = other
			tok, err := s.Cloud.Connector.Sign(forged)
			if err != nil {
				t.Fatal(err)
			}
			if a := s.secPost(ctx, t, "Bearer "+tok, s.Driver.Activity(adele, "message")); a.status != http.StatusUnauthorized || !strings.Contains(a.body, "error") {
				t.Errorf("a token of %s at a %s bot: %d %.200s, want 401 with a JSON error", other, name, a.status, a.body)
			}

			// The tab is framed by the cloud's Teams only.
			if a := s.do(ctx, t, http.MethodGet, "/healthz", "", nil); !strings.Contains(a.header.Get("Content-Security-Policy"), "frame-ancestors 'self' "+strings.Join(cl.FrameAncestors, " ")) {
				t.Errorf("CSP of a %s deployment: %q", name, a.header.Get("Content-Security-Policy"))
			}

			// A proactive card goes out with the cloud's connector token.
			if _, err := s.Main.Parts().Connector.SendToConversation(ctx, s.Cloud.Connector.ServiceURL(), s.Driver.ConversationID(adele),
				&schema.Activity{Text: "proactive hello from " + name}); err != nil {
				t.Fatalf("proactive message: %v", err)
			}
			s.waitCards(ctx, t, adele, "proactive hello from "+name, 1)

			// Sign-in through the bot (signin/tokenExchange), then a command.
			res, err := s.Driver.TokenExchange(ctx, adele, s.secSSO(t, adele))
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("token exchange: %v, %d %.300s", err, res.Status, res.Body)
			}
			if reply := s.ask(ctx, t, adele, "approvals"); strings.Contains(strings.ToLower(reply), "sign in") {
				t.Errorf("approvals after sign-in asks to sign in: %.300s", reply)
			}

			// A proactive approval card, and Adele answers it from the card.
			ap, cardID := s.postApprovalCard(ctx, t, adele)
			res, err = s.Driver.Send(ctx, s.approvalAction(adele, adele, cardID, ap))
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("card action: %v, %d", err, res.Status)
			}
			if code, typ, v := cardAnswer(t, res.Body); code != http.StatusOK || !strings.Contains(typ, "card.adaptive") {
				t.Errorf("approval answer: %d %s %.300s", code, typ, v)
			}
		})
	}
}
