package connector

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// derive is a stable alphanumeric string of length n from parts.
func derive(n int, parts ...string) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		h := sha256.Sum256([]byte(strings.ToLower(strings.Join(parts, "|")) + "|" + string(rune('0'+i))))
		for _, c := range h {
			if b.Len() == n {
				break
			}
			b.WriteByte(alnum[int(c)%len(alnum)])
		}
	}
	return b.String()
}

// BotMRI is the bot's Teams id: "28:" + the app id.
func BotMRI(botID string) string { return "28:" + botID }

// UserMRI is a user's Teams id as the bot botID sees it ("29:1…"): stable,
// derived from the user's object id, and different for every bot, as in Teams.
func UserMRI(botID string, u demo.User) string { return "29:1" + derive(43, "mri", botID, u.ID) }

// PersonalConversationID is the 1:1 conversation of the bot with the user ("a:1…").
func PersonalConversationID(botID string, u demo.User) string {
	return "a:1" + derive(60, "personal", botID, u.ID)
}

// ChannelConversationID is the conversation id of a team channel ("19:…@thread.tacv2").
func ChannelConversationID(channel string) string {
	h := sha256.Sum256([]byte("channel|" + channel))
	return "19:" + hex.EncodeToString(h[:16]) + "@thread.tacv2"
}

// userByID finds a demo user by object id or by UserMRI for botID.
func userByID(botID, id string) (demo.User, bool) {
	for _, u := range demo.Users() {
		if strings.EqualFold(u.ID, id) || UserMRI(botID, u) == id {
			return u, true
		}
	}
	return demo.User{}, false
}
