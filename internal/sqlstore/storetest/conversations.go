package storetest

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func testConversations(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	personal := flowdeck.ConversationRef{
		TenantID: "tenant-1", ConversationID: "a:1-personal", Scope: flowdeck.ScopePersonal, UserID: "user-1",
		ServiceURL: "https://smba.trafficmanager.net/emea/", BotID: "28:bot", ChannelID: "msteams",
	}
	channel := flowdeck.ConversationRef{
		TenantID: "tenant-1", ConversationID: "19:abc@thread.tacv2", Scope: flowdeck.ScopeChannel, UserID: "user-1",
		ServiceURL: "https://smba.trafficmanager.net/emea/", BotID: "28:bot", ChannelID: "msteams",
		TeamID: "19:team@thread.tacv2", ChannelName: "Ops",
	}
	_, err := s.GetConversation(ctx, "tenant-1", personal.ConversationID)
	wantKind(t, "GetConversation before Put", err, flowdeck.ErrNotFound)
	_, err = s.PersonalConversation(ctx, "tenant-1", "user-1")
	wantKind(t, "PersonalConversation before Put", err, flowdeck.ErrNotFound)

	must(t, "PutConversation channel", s.PutConversation(ctx, channel))
	_, err = s.PersonalConversation(ctx, "tenant-1", "user-1")
	wantKind(t, "PersonalConversation with only a channel", err, flowdeck.ErrNotFound)
	must(t, "PutConversation personal", s.PutConversation(ctx, personal))

	got, err := s.GetConversation(ctx, "tenant-1", channel.ConversationID)
	must(t, "GetConversation", err)
	checkConversation(t, got, channel, clk.Now())
	got, err = s.PersonalConversation(ctx, "tenant-1", "user-1")
	must(t, "PersonalConversation", err)
	checkConversation(t, got, personal, clk.Now())
	_, err = s.GetConversation(ctx, "tenant-2", channel.ConversationID)
	wantKind(t, "GetConversation other tenant", err, flowdeck.ErrNotFound)

	// Replace (the service URL moves).
	now := clk.Advance(time.Second)
	personal.ServiceURL = "https://smba.trafficmanager.net/amer/"
	must(t, "PutConversation replace", s.PutConversation(ctx, personal))
	got, err = s.GetConversation(ctx, "tenant-1", personal.ConversationID)
	must(t, "GetConversation after replace", err)
	checkConversation(t, got, personal, now)

	wantKind(t, "PutConversation without id", s.PutConversation(ctx, flowdeck.ConversationRef{TenantID: "t"}), flowdeck.ErrInvalid)

	must(t, "DeleteConversation", s.DeleteConversation(ctx, "tenant-1", personal.ConversationID))
	_, err = s.GetConversation(ctx, "tenant-1", personal.ConversationID)
	wantKind(t, "GetConversation after Delete", err, flowdeck.ErrNotFound)
	_, err = s.PersonalConversation(ctx, "tenant-1", "user-1")
	wantKind(t, "PersonalConversation after Delete", err, flowdeck.ErrNotFound)
	must(t, "DeleteConversation again", s.DeleteConversation(ctx, "tenant-1", personal.ConversationID))
	if _, err := s.GetConversation(ctx, "tenant-1", channel.ConversationID); err != nil {
		t.Fatalf("DeleteConversation removed another conversation: %v", err)
	}
}

func checkConversation(t *testing.T, got, want flowdeck.ConversationRef, now time.Time) {
	t.Helper()
	updated := got.UpdatedAt
	got.UpdatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("conversation = %+v, want %+v", got, want)
	}
	wantTime(t, "conversation UpdatedAt", updated, now)
}
