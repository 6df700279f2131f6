package botframework_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

type result struct {
	id  string
	err error
}

func (v *env) sendAsync(ctx context.Context, c *botframework.Client, cid, text string) chan result {
	ch := make(chan result, 1)
	go func() {
		id, err := c.SendToConversation(ctx, v.bf.ServiceURL(), cid, &schema.Activity{Text: text})
		ch <- result{id, err}
	}()
	return ch
}

func TestClientOperations(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{})
	ctx := t.Context()
	u := demo.Users()[0]
	bot := connector.BotMRI(demo.ClientID)
	cid, err := c.CreateConversation(ctx, v.bf.ServiceURL(), demo.TenantID, bot, u.ID)
	if err != nil || cid != connector.PersonalConversationID(demo.ClientID, u) {
		t.Fatalf("CreateConversation = %q, %v", cid, err)
	}
	// serviceUrl without a trailing slash, as the Playground sends it.
	su := strings.TrimSuffix(v.bf.ServiceURL(), "/")
	id, err := c.SendToConversation(ctx, su, cid, &schema.Activity{Text: "hello", Attachments: []schema.Attachment{{ContentType: botframework.ContentTypeAdaptiveCard, Content: map[string]any{"type": "AdaptiveCard", "body": []any{}}}}})
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	if _, err := c.UpdateActivity(ctx, su, cid, id, &schema.Activity{Type: schema.Message, Text: "updated"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := c.SendTyping(ctx, su, cid); err != nil {
		t.Fatalf("Typing: %v", err)
	}
	if err := c.DeleteActivity(ctx, su, cid, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	channel := connector.ChannelConversationID("General") + ";messageid=1732553375001"
	if _, err := c.ReplyToActivity(ctx, v.bf.ServiceURL(), channel, "1732553375001", &schema.Activity{Text: "in thread"}); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	recs, err := v.bf.WaitFor(ctx, cid, 4)
	if err != nil {
		t.Fatal(err)
	}
	ops := []connector.Op{connector.OpSend, connector.OpUpdate, connector.OpTyping, connector.OpDelete}
	for i, r := range recs {
		if r.Op != ops[i] {
			t.Errorf("record %d = %s, want %s", i, r.Op, ops[i])
		}
	}
	if strings.Contains(string(recs[0].Raw), "0001-01-01") || strings.Contains(string(recs[0].Raw), `"relatesTo"`) {
		t.Errorf("zero values sent: %s", recs[0].Raw)
	}
	if !strings.Contains(string(recs[0].Raw), `"body":[]`) {
		t.Errorf("card content altered: %s", recs[0].Raw)
	}
	if r := v.bf.Records(channel); len(r) != 1 || r[0].Op != connector.OpReply || r[0].ReplyToID != "1732553375001" {
		t.Errorf("channel records = %+v", r)
	}
	if _, err := c.UpdateActivity(ctx, su, cid, "nope", &schema.Activity{Type: schema.Message}); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("update of an unknown activity: %v", err)
	}
	if _, err := c.SendToConversation(ctx, "http://203.0.113.1/teams/", cid, &schema.Activity{Text: "x"}); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("plain http off loopback: %v", err)
	}
}

func TestClientRateLimiterWaits(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{})
	ctx := t.Context()
	cid := "a:1ratelimited"
	for i := range 7 {
		if r := <-v.sendAsync(ctx, c, cid, "m"); r.err != nil {
			t.Fatalf("send %d: %v", i, r.err)
		}
	}
	eighth := v.sendAsync(ctx, c, cid, "8")
	if d := v.clock.nextWait(t); d != time.Second+botframework.DefaultLimitMargin {
		t.Fatalf("8th send waits %v, want 1s and the margin", d)
	}
	select {
	case r := <-eighth:
		t.Fatalf("8th send finished before the clock moved: %+v", r)
	default:
	}
	// Another conversation is not held up.
	if r := <-v.sendAsync(ctx, c, "a:1other", "x"); r.err != nil {
		t.Fatal(r.err)
	}
	v.clock.Advance(time.Second + botframework.DefaultLimitMargin)
	if r := <-eighth; r.err != nil {
		t.Fatal(r.err)
	}
	ninth := v.sendAsync(ctx, c, cid, "9") // 8 per 2 s: waits until t0+2s and the margin
	if d := v.clock.nextWait(t); d != time.Second {
		t.Fatalf("9th send waits %v, want 1s", d)
	}
	v.clock.Advance(time.Second)
	if r := <-ninth; r.err != nil {
		t.Fatal(r.err)
	}
	for _, call := range v.bf.Calls() {
		if call.Status == http.StatusTooManyRequests {
			t.Fatalf("connector throttled a paced client: %+v", call)
		}
	}
	// A caller that gives up while waiting gets its ctx error.
	for range 7 {
		if r := <-v.sendAsync(ctx, c, "a:1cancel", "x"); r.err != nil {
			t.Fatal(r.err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	ch := v.sendAsync(cctx, c, "a:1cancel", "x")
	v.clock.nextWait(t)
	cancel()
	if r := <-ch; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", r.err)
	}
}

func TestClientRetries(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{Limits: []botframework.Window{}})
	ctx := t.Context()
	cid := "a:1retry"

	v.bf.FailNext(1, http.StatusTooManyRequests, 3*time.Second)
	ch := v.sendAsync(ctx, c, cid, "x")
	if d := v.clock.nextWait(t); d != 3*time.Second {
		t.Fatalf("429 wait = %v, want Retry-After 3s", d)
	}
	v.clock.Advance(3 * time.Second)
	if r := <-ch; r.err != nil || r.id == "" {
		t.Fatalf("after 429: %+v", r)
	}

	for _, status := range []int{http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusPreconditionFailed} {
		v.bf.FailNext(2, status, 0)
		ch = v.sendAsync(ctx, c, cid, "x")
		for i, base := range []time.Duration{2 * time.Second, 4 * time.Second} {
			d := v.clock.nextWait(t)
			if lo, hi := base*8/10, base*12/10; d < lo || d > hi {
				t.Fatalf("%d: backoff %d = %v, want in [%v, %v]", status, i, d, lo, hi)
			}
			v.clock.Advance(d)
		}
		if r := <-ch; r.err != nil {
			t.Fatalf("after two %d: %v", status, r.err)
		}
	}

	v.bf.FailNext(4, http.StatusBadGateway, 0)
	ch = v.sendAsync(ctx, c, cid, "x")
	for range 3 {
		v.clock.Advance(v.clock.nextWait(t))
	}
	if r := <-ch; !errors.Is(r.err, flowdeck.ErrUnavailable) {
		t.Fatalf("after 4 × 502: %v", r.err)
	}

	v.bf.FailNext(1, http.StatusTooManyRequests, 10*time.Minute)
	if r := <-v.sendAsync(ctx, c, cid, "x"); !errors.Is(r.err, flowdeck.ErrThrottled) {
		t.Fatalf("429 with a long Retry-After: %v", r.err)
	} else if fe := (*flowdeck.Error)(nil); !errors.As(r.err, &fe) || fe.RetryAfter != 10*time.Minute {
		t.Fatalf("RetryAfter not kept: %v", r.err)
	}

	v.bf.FailNext(1, http.StatusInternalServerError, 0)
	if r := <-v.sendAsync(ctx, c, cid, "x"); !errors.Is(r.err, flowdeck.ErrUnavailable) {
		t.Fatalf("500 is not retried: %v", r.err)
	}
	select {
	case d := <-v.clock.waits:
		t.Fatalf("unexpected wait %v", d)
	default:
	}
}

func TestClientTypedErrors(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{})
	ctx := t.Context()
	cid := "a:1blocked"
	v.bf.Block(cid)
	_, err := c.SendToConversation(ctx, v.bf.ServiceURL(), cid, &schema.Activity{Text: "x"})
	if !errors.Is(err, botframework.ErrMessageWritesBlocked) || !errors.Is(err, flowdeck.ErrForbidden) {
		t.Fatalf("blocked: %v", err)
	}

	before := len(v.bf.Calls())
	_, err = c.SendToConversation(ctx, v.bf.ServiceURL(), "a:1big", &schema.Activity{Text: strings.Repeat("é", 41*1024)})
	var tl *botframework.MessageTooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, botframework.ErrMessageTooLarge) || !errors.Is(err, flowdeck.ErrInvalid) || tl.Size <= tl.Limit {
		t.Fatalf("oversize: %v", err)
	}
	if len(v.bf.Calls()) != before {
		t.Fatal("an oversize activity reached the connector")
	}

	loose := v.client(t, botframework.ClientOptions{MaxMessageBytes: 1 << 20})
	_, err = loose.SendToConversation(ctx, v.bf.ServiceURL(), "a:1big", &schema.Activity{Text: strings.Repeat("x", 60*1024)})
	if !errors.Is(err, botframework.ErrMessageTooLarge) {
		t.Fatalf("413 from the connector: %v", err)
	}

	bad := v.client(t, botframework.ClientOptions{TokenSource: staticToken("not-a-token")})
	if _, err := bad.SendToConversation(ctx, v.bf.ServiceURL(), "a:1x", &schema.Activity{Text: "x"}); !errors.Is(err, flowdeck.ErrMisconfigured) {
		t.Fatalf("rejected token: %v", err)
	}
	if _, err := c.CreateConversation(ctx, v.bf.ServiceURL(), demo.TenantID, connector.BotMRI(demo.ClientID), "29:1unknown"); !errors.Is(err, flowdeck.ErrForbidden) {
		t.Fatalf("create for a user without the app: %v", err)
	}
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }
