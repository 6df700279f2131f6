package botframework_test

import (
	"errors"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The client sends the bot's token only to the cloud's serviceUrl hosts: a
// call to any other host fails before a token is fetched or a request is
// made, and the accepted host is served as before.
func TestClientServiceURLHosts(t *testing.T) {
	v := newEnv(t)
	ctx := t.Context()
	u := demo.Users()[0]
	cid := connector.PersonalConversationID(demo.ClientID, u)
	su := v.bf.ServiceURL()
	public := v.client(t, botframework.ClientOptions{ServiceURLHosts: []string{"smba.trafficmanager.net"}})
	calls := map[string]func() error{
		"create": func() error {
			_, err := public.CreateConversation(ctx, su, demo.TenantID, connector.BotMRI(demo.ClientID), u.ID)
			return err
		},
		"send": func() error {
			_, err := public.SendToConversation(ctx, su, cid, &schema.Activity{Text: "x"})
			return err
		},
		"reply": func() error {
			_, err := public.ReplyToActivity(ctx, su, cid, "1", &schema.Activity{Text: "x"})
			return err
		},
		"update": func() error {
			_, err := public.UpdateActivity(ctx, su, cid, "1", &schema.Activity{Text: "x"})
			return err
		},
		"delete": func() error { return public.DeleteActivity(ctx, su, cid, "1") },
		"typing": func() error { return public.SendTyping(ctx, su, cid) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, flowdeck.ErrInvalid) {
			t.Errorf("%s to a loopback serviceUrl with the public hosts: %v, want ErrInvalid", name, err)
		}
	}
	if n := len(v.bf.Calls()); n != 0 {
		t.Errorf("the connector got %d calls", n)
	}
	if n := v.entra.GrantCount("client_credentials"); n != 0 {
		t.Errorf("%d app-only tokens were fetched", n)
	}
	local := v.client(t, botframework.ClientOptions{ServiceURLHosts: []string{"127.0.0.1"}})
	if _, err := local.CreateConversation(ctx, su, demo.TenantID, connector.BotMRI(demo.ClientID), u.ID); err != nil {
		t.Fatalf("accepted host: %v", err)
	}
}
