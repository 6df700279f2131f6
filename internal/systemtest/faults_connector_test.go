package systemtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// connectorFailures counts the connector writes refused with status since n calls.
func (s *stack) connectorFailures(n, status int) int {
	failed := 0
	for _, c := range s.Cloud.Connector.Calls()[n:] {
		if c.Status == status {
			failed++
		}
	}
	return failed
}

// TestFaultConnector429And502: the Bot Connector answers 429 (with
// Retry-After) and 502. A bot reply and a proactive alert still arrive
// exactly once; when the connector keeps failing past the client's retry
// budget, the alert is not marked sent, the monitor tries again in a later
// cycle, and it arrives once.
func TestFaultConnector429And502(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	conn := s.Cloud.Connector

	// A bot reply through a 429 and a 502.
	const helpText = "Show what I can do."
	helps := len(s.cards(adele, helpText))
	n := len(conn.Calls())
	conn.FailNext(1, http.StatusTooManyRequests, time.Second)
	conn.FailNext(1, http.StatusBadGateway, time.Second)
	if reply := s.ask(ctx, t, adele, "help"); !strings.Contains(reply, helpText) {
		t.Errorf("the help reply: %.300s", reply)
	}
	if got := s.connectorFailures(n, http.StatusTooManyRequests) + s.connectorFailures(n, http.StatusBadGateway); got != 2 {
		t.Errorf("%d refused writes, want the two injected", got)
	}

	// A proactive alert through a 429 and a 502.
	sub := s.watchAll(ctx, t, adele)
	n = len(conn.Calls())
	conn.FailNext(1, http.StatusTooManyRequests, time.Second)
	conn.FailNext(1, http.StatusBadGateway, time.Second)
	wantAlertOnce(ctx, t, s, adele, sub.ID, s.failRun(t, adele))
	if got := s.connectorFailures(n, http.StatusTooManyRequests) + s.connectorFailures(n, http.StatusBadGateway); got != 2 {
		t.Errorf("%d refused writes for the alert, want the two injected", got)
	}
	if got := len(s.cards(adele, helpText)) - helps; got != 1 {
		t.Errorf("the help reply arrived %d times, want once", got)
	}

	// Past the retry budget (one attempt and three retries) with megan's
	// first alert: it is released, not recorded as sent, the watermark stays
	// before the failure, and a later cycle delivers it once.
	megan := demo.Users()[1]
	s.signIn(ctx, t, megan)
	msub := s.watchAll(ctx, t, megan)
	n = len(conn.Calls())
	conn.FailNext(4, http.StatusBadGateway, time.Second)
	failedAt := s.failRun(t, megan)
	waitUntil(ctx, t, "the connector refuses four writes", func() bool { return s.connectorFailures(n, http.StatusBadGateway) == 4 })
	// The watermark may pass the failure only after the alert went out
	// (read in that order: a later cycle may deliver it meanwhile).
	wm := s.subscription(ctx, t, megan, msub.ID).Watermark
	if wm.After(failedAt) && len(s.cards(megan, alertTitle)) == 0 {
		t.Errorf("the watermark moved to %s past the undelivered failure at %s", wm, failedAt)
	}
	wantAlertOnce(ctx, t, s, megan, msub.ID, failedAt)
}
