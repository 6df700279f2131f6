package bot

import (
	"context"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

// tokenless admits every activity as the caller it names, without a token:
// the bot's input tests feed the endpoint bodies only; what a channel token
// proves is tested in internal/botframework and through the fake connector.
type tokenless struct{}

func (tokenless) AdmitsTokenless() bool { return true }

func (tokenless) Authenticate(_ context.Context, _ string, a *schema.Activity) (botframework.Caller, botframework.Claims, error) {
	return botframework.CallerOf(a), botframework.Claims{}, nil
}
