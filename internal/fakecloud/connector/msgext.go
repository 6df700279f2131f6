package connector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Chat is the conversation whose compose box a message-extension invoke
// comes from: Teams sends the invoke with that conversation, whether or
// not the user has a personal chat with the bot.
type Chat struct {
	// ID is the conversation id.
	ID string
	// Type is "personal", "groupChat" or "channel".
	Type string
}

// GroupChat is a group chat's conversation ("19:…@thread.v2").
func GroupChat(name string) Chat {
	h := sha256.Sum256([]byte("groupchat|" + name))
	return Chat{ID: "19:" + hex.EncodeToString(h[:16]) + "@thread.v2", Type: "groupChat"}
}

// ChannelChat is a team channel's conversation.
func ChannelChat(channel string) Chat {
	return Chat{ID: ChannelConversationID(channel), Type: "channel"}
}

// PersonalChat is u's personal chat with the bot.
func (d *Driver) PersonalChat(u demo.User) Chat {
	return Chat{ID: d.ConversationID(u), Type: "personal"}
}

// composeInvoke is the envelope of a message-extension invoke from u in chat.
func (d *Driver) composeInvoke(u demo.User, chat Chat, name string, value map[string]any) map[string]any {
	a := d.Activity(u, "invoke")
	a["name"] = name
	a["value"] = value
	conv := map[string]any{"conversationType": chat.Type, "tenantId": u.TenantID, "id": chat.ID}
	if chat.Type != "personal" {
		conv["isGroup"] = true
	}
	a["conversation"] = conv
	cd := map[string]any{"tenant": map[string]any{"id": u.TenantID}, "source": map[string]any{"name": "compose"}}
	if chat.Type == "channel" {
		cd["channel"] = map[string]any{"id": chat.ID}
	}
	a["channelData"] = cd
	return a
}

// sendCompose sends a message-extension invoke and, when the bot answers
// silentAuth and the driver has DriverOptions.SSOToken, does what Teams
// does: gets the user's SSO token for the app and sends the invoke again
// with value.authentication.token (the flow of TeamsFx's
// executionWithTokenAndConfig and Microsoft's "Add code to enable SSO in
// your message extension app", message-extension-sso-code).
func (d *Driver) sendCompose(ctx context.Context, u demo.User, chat Chat, name string, value map[string]any) (Result, error) {
	res, err := d.Send(ctx, d.composeInvoke(u, chat, name, value))
	if err != nil || d.o.SSOToken == nil || res.Status != 200 {
		return res, err
	}
	var body struct {
		ComposeExtension struct {
			Type string `json:"type"`
		} `json:"composeExtension"`
	}
	if json.Unmarshal(res.Body, &body) != nil || body.ComposeExtension.Type != "silentAuth" {
		return res, nil
	}
	tok, err := d.o.SSOToken(u)
	if err != nil {
		return res, nil // Teams shows the sign-in link instead
	}
	again := make(map[string]any, len(value)+1)
	for k, v := range value {
		again[k] = v
	}
	again["authentication"] = map[string]any{"token": tok}
	return d.Send(ctx, d.composeInvoke(u, chat, name, again))
}

// ComposeQuery sends composeExtension/query as Teams does when u types text
// into the search command commandID of the app's message extension in
// chat's compose box (or the command box): value {commandId, parameters:
// [{name, value}], queryOptions: {skip, count}}; an empty text is the
// command's initial run (parameter initialRun "true").
func (d *Driver) ComposeQuery(ctx context.Context, u demo.User, chat Chat, commandID, text string, skip, count int) (Result, error) {
	params := []any{map[string]any{"name": "query", "value": text}}
	if text == "" {
		params = []any{map[string]any{"name": "initialRun", "value": "true"}}
	}
	return d.sendCompose(ctx, u, chat, "composeExtension/query", map[string]any{
		"commandId": commandID, "parameters": params,
		"queryOptions": map[string]any{"skip": skip, "count": count},
	})
}

// SelectItem sends composeExtension/selectItem as Teams does when u chooses
// a result whose preview has an invoke tap: the value is the tap's value.
func (d *Driver) SelectItem(ctx context.Context, u demo.User, chat Chat, tapValue map[string]any) (Result, error) {
	return d.sendCompose(ctx, u, chat, "composeExtension/selectItem", tapValue)
}

// QueryLink sends composeExtension/queryLink ({url}) as Teams does when u
// pastes rawURL into chat's compose box. Teams sends it only for a URL
// whose host is one of the domains of the manifest's messageHandlers
// (Microsoft's "Link unfurling": "your app can register to receive an
// invoke activity when URLs with a particular domain are pasted",
// learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/link-unfurling),
// so the driver refuses any other URL, and one pasted when
// DriverOptions.LinkDomains is empty.
func (d *Driver) QueryLink(ctx context.Context, u demo.User, chat Chat, rawURL string) (Result, error) {
	pu, err := url.Parse(rawURL)
	if err != nil || !matchesDomain(pu.Hostname(), d.o.LinkDomains) {
		return Result{}, fmt.Errorf("connector: Teams does not unfurl %q: its host is not in the manifest's messageHandlers domains", rawURL)
	}
	return d.sendCompose(ctx, u, chat, "composeExtension/queryLink", map[string]any{"url": rawURL})
}

// matchesDomain reports whether host is one of domains: equal (ignoring
// case), or under a "*." wildcard domain (one label, as the manifest's
// domain wildcards read).
func matchesDomain(host string, domains []string) bool {
	host = strings.ToLower(host)
	for _, d := range domains {
		d = strings.ToLower(d)
		if rest, ok := strings.CutPrefix(d, "*."); ok {
			if sub, ok := strings.CutSuffix(host, "."+rest); ok && sub != "" && !strings.Contains(sub, ".") {
				return true
			}
			continue
		}
		if host == d {
			return true
		}
	}
	return false
}
