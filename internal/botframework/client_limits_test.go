package botframework_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestClientTenantLimitWaits: 50 calls a second per tenant, across its
// conversations; the 51st waits (the second and the margin) instead of
// failing, another tenant is not held up, and the connector sees no
// violation.
func TestClientTenantLimitWaits(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{})
	contoso := botframework.WithTenant(t.Context(), demo.TenantID)
	for i := range 51 {
		v.bf.AddConversation(fmt.Sprintf("a:1c%02d", i), demo.TenantID)
	}
	v.bf.AddConversation("a:1f", demo.OtherTenantID)
	for i := range 50 {
		if r := <-v.sendAsync(contoso, c, fmt.Sprintf("a:1c%02d", i), "x"); r.err != nil {
			t.Fatalf("send %d: %v", i, r.err)
		}
	}
	last := v.sendAsync(contoso, c, "a:1c50", "x")
	if d := v.clock.nextWait(t); d != time.Second+botframework.DefaultLimitMargin {
		t.Fatalf("the tenant's 51st call in a second waits %v, want 1s and the margin", d)
	}
	if r := <-v.sendAsync(botframework.WithTenant(t.Context(), demo.OtherTenantID), c, "a:1f", "x"); r.err != nil {
		t.Fatalf("another tenant: %v", r.err)
	}
	v.clock.Advance(time.Second + botframework.DefaultLimitMargin)
	if r := <-last; r.err != nil {
		t.Fatal(r.err)
	}
	if vs := v.bf.Violations(); len(vs) != 0 {
		t.Fatalf("the connector saw violations: %+v", vs)
	}
}

// TestClientHonoursRetryAfter: a client that does not pace itself breaks
// Teams' 7 per second; the connector answers 429 with Retry-After, and the
// client waits exactly that long and delivers the message.
func TestClientHonoursRetryAfter(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{Limits: []botframework.Window{}, TenantLimits: []botframework.Window{}})
	ctx := t.Context()
	for i := range 7 {
		if r := <-v.sendAsync(ctx, c, "a:1eager", "x"); r.err != nil {
			t.Fatalf("send %d: %v", i, r.err)
		}
	}
	eighth := v.sendAsync(ctx, c, "a:1eager", "8")
	if d := v.clock.nextWait(t); d != 3*time.Second {
		t.Fatalf("after the 429 the client waits %v, want the Retry-After of 3s", d)
	}
	v.clock.Advance(3 * time.Second)
	if r := <-eighth; r.err != nil || r.id == "" {
		t.Fatalf("8th send after Retry-After: %+v", r)
	}
	if vs := v.bf.Violations(); len(vs) != 1 || vs[0].Limit.N != 7 || vs[0].RetryAfter != 3*time.Second {
		t.Fatalf("violations = %+v", vs)
	}
	if n := len(v.bf.Records("a:1eager")); n != 8 {
		t.Fatalf("%d messages arrived, want 8", n)
	}
}

// TestClientPacesCreateConversation: creating (finding) a user's personal
// conversation has Teams' own per-conversation limit; the 8th create in a
// second waits for it, and the connector sees no violation.
func TestClientPacesCreateConversation(t *testing.T) {
	v := newEnv(t)
	c := v.client(t, botframework.ClientOptions{})
	u := demo.Users()[0]
	bot := connector.BotMRI(demo.ClientID)
	create := func() chan error {
		ch := make(chan error, 1)
		go func() {
			_, err := c.CreateConversation(t.Context(), v.bf.ServiceURL(), demo.TenantID, bot, u.ID)
			ch <- err
		}()
		return ch
	}
	for i := range 7 {
		if err := <-create(); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	eighth := create()
	if d := v.clock.nextWait(t); d != time.Second+botframework.DefaultLimitMargin {
		t.Fatalf("8th create in a second waits %v, want 1s and the margin", d)
	}
	v.clock.Advance(time.Second + botframework.DefaultLimitMargin)
	if err := <-eighth; err != nil {
		t.Fatal(err)
	}
	if vs := v.bf.Violations(); len(vs) != 0 {
		t.Fatalf("the connector saw violations: %+v", vs)
	}
}
