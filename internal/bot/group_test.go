package bot_test

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
)

// TestGroupChatMention: in a group chat the bot answers @mentions only, in
// the user's personal chat (created on the fly), with a neutral note in the
// group; "post" answers in the group.
func TestGroupChatMention(t *testing.T) {
	w := newWorld(t, worldOptions{})
	adele := cloudtest.Adele()
	ctx := waitCtx(t)
	w.signIn(t, adele)
	personal := w.drv.ConversationID(adele)
	const group = "19:3f2c9c0e4b7a4d1e9b1e2f3a4b5c6d7e@thread.v2"
	say := func(text string, mention bool) {
		a := w.drv.Activity(adele, "message")
		a["conversation"] = map[string]any{"conversationType": "groupChat", "tenantId": adele.TenantID, "id": group, "isGroup": true}
		a["text"] = text
		if mention {
			a["entities"] = append(a["entities"].([]any), map[string]any{"type": "mention", "text": "<at>FlowDeck</at>",
				"mentioned": map[string]any{"id": connector.BotMRI(w.conn.BotID()), "name": "FlowDeck"}})
		}
		res, err := w.drv.Send(ctx, a)
		must(t, err)
		if res.Status != 200 {
			t.Fatalf("group message: %d", res.Status)
		}
	}
	say("approvals", false)
	w.bot.Wait()
	if n := len(w.conn.Records(group)); n != 0 {
		t.Fatalf("the bot answered a message without a mention (%d records)", n)
	}

	n := len(w.conn.Records(personal))
	say("<at>FlowDeck</at> approvals", true)
	r := w.next(t, personal, n)
	if strings.Count(content(r), "Open in Power Automate") != 5 {
		t.Fatalf("personal answer: %s", content(r))
	}
	note := w.next(t, group, 0)
	if note.Activity().Text != "I've sent you the answer in our personal chat." || len(note.Activity().Attachments) != 0 {
		t.Fatalf("group note: %+v", note.Activity().Text)
	}

	say("<at>FlowDeck</at> approvals post", true)
	r = w.next(t, group, 1)
	if strings.Count(content(r), "Open in Power Automate") != 5 || r.Op != connector.OpReply {
		t.Fatalf("posted answer: %s %s", r.Op, content(r))
	}
}
