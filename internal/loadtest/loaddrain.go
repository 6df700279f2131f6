package loadtest

import (
	"bytes"
	"context"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
)

// errorMarks are what an answer that failed the user carries, in a reply
// message or an invoke's card: the error card of every kind
// (cards.ErrorCard), the actions' refusal card, a partial answer, a reply
// too large for Teams, and a sign-in card (every simulated user is signed
// in, so one means FlowDeck lost their tokens).
var errorMarks = []struct{ mark, problem string }{
	{"Something stopped FlowDeck", "error card"},
	{"FlowDeck did not do that", "refusal card"},
	{"Partial answer", "partial answer"},
	{"too large for a chat message", "answer too large"},
	{cards.OAuthContentType, "sign-in card"},
	{"I can't tell who you are", "caller not recognised"},
}

// cardProblem returns why a reply or an invoke answer is an error, or "".
func cardProblem(raw []byte) string {
	for _, m := range errorMarks {
		if bytes.Contains(raw, []byte(m.mark)) {
			return m.problem
		}
	}
	return ""
}

// sentMessage is a message FlowDeck accepted: when it went, and its command.
type sentMessage struct {
	at      time.Time
	command string
}

// drain waits, until ctx ends, for the reply of every message of u that
// FlowDeck accepted: the conversation must hold u.baseline plus that many
// bot messages. It records each reply's latency (the k-th reply after the
// baseline against the k-th message: a user may send again before the
// answer, so this pairs by order, which never gives a negative latency),
// checks each reply for an error, and counts the missing replies as lost
// and replies beyond those as unexpected.
func (l *loader) drain(ctx context.Context, u *loadUser) {
	sent := l.sent[u]
	want := u.baseline + len(sent)
	conn := l.s.Cloud.Connector
	recs := conn.Records(u.conv)
	for countReplies(recs) < want {
		more, err := conn.WaitFor(ctx, u.conv, len(recs)+1)
		if err != nil {
			recs = conn.Records(u.conv)
			break
		}
		recs = more
	}
	seen, k := 0, 0
	for _, r := range recs {
		if !isReply(r) {
			continue
		}
		if seen++; seen <= u.baseline {
			continue
		}
		if k >= len(sent) {
			l.res.addUnexpected()
			continue
		}
		l.res.add(kindReply, sent[k].command, r.At.Sub(sent[k].at), cardProblem(r.Raw))
		k++
	}
	if k < len(sent) {
		l.res.addLost(u.conv, len(sent)-k)
	}
}
