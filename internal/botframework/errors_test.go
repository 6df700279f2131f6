package botframework_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestEndpointErrorStatuses: a handler's error is answered with its kind's
// status and code from flowdeck's table on a message and on an invoke, in
// the body of an adaptiveCard/action; a failed signin/tokenExchange is 412
// with the TokenExchangeInvokeResponse, its echoed id clipped.
func TestEndpointErrorStatuses(t *testing.T) {
	v := newEnv(t)
	fail := flowdeck.Wrap(flowdeck.ErrConsentRequired, errorText("AADSTS65001 SECRET"), "Give consent first.")
	_, d := v.botServer(t, botframework.HandlerFunc(func(context.Context, *schema.Activity) (*botframework.InvokeResponse, error) {
		return nil, fail
	}))
	ctx := t.Context()
	u := demo.Users()[0]

	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	msg, err := d.Say(ctx, u, "flows")
	if err != nil || msg.JSON(&e) != nil || msg.Status != http.StatusForbidden || e.Error.Code != "consent_required" || e.Error.Message != "Give consent first." {
		t.Errorf("message: %d %s (%v), want 403 consent_required", msg.Status, msg.Body, err)
	}
	res, err := d.VerifyState(ctx, u, "123456")
	if err != nil || res.JSON(&e) != nil || res.Status != http.StatusForbidden || e.Error.Code != "consent_required" {
		t.Errorf("signin/verifyState: %d %s (%v), want 403 consent_required", res.Status, res.Body, err)
	}

	var card botframework.CardActionBody
	res, err = d.CardAction(ctx, u, "", "approve", nil, true)
	if err != nil || res.JSON(&card) != nil || res.Status != http.StatusOK || card.StatusCode != http.StatusForbidden || card.Type != botframework.ContentTypeError {
		t.Errorf("adaptiveCard/action: %d %s (%v), want 200 with statusCode 403", res.Status, res.Body, err)
	}

	a := d.Activity(u, "invoke")
	a["name"] = botframework.InvokeTokenExchange
	a["value"] = map[string]any{"id": strings.Repeat("é", 500), "connectionName": "sso", "token": "x"}
	res, err = d.Send(ctx, a)
	var x botframework.TokenExchangeBody
	if err != nil || res.JSON(&x) != nil || res.Status != http.StatusPreconditionFailed ||
		x.ConnectionName != "sso" || x.FailureDetail != botframework.TokenExchangeFailureDetail ||
		utf8.RuneCountInString(x.ID) > 128 || !utf8.ValidString(x.ID) || !strings.HasPrefix(x.ID, "éé") {
		t.Errorf("signin/tokenExchange: %d %s (%v), want 412 with a clipped id", res.Status, res.Body, err)
	}
	if strings.Contains(string(res.Body), "SECRET") || strings.Contains(string(msg.Body), "SECRET") {
		t.Errorf("bodies %s, %s leak the cause", msg.Body, res.Body)
	}
}

// errorText is a cause whose text must stay in the logs.
type errorText string

func (e errorText) Error() string { return string(e) }
