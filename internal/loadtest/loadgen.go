package loadtest

import (
	"github.com/flowdeck/flowdeck/internal/localcloud"

	"context"
	"fmt"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Shape of the generated tenant: each simulated user owns loadFlowsPerUser
// flows, spread over loadEnvironments environments, each with a short run
// history.
const (
	loadFlowsPerUser = 4
	loadEnvironments = 4
	loadRunsPerFlow  = 8
)

// Users returns n generated users of the demo tenant (Contoso, where
// the fake Entra ID grants the demo app's consent tenant-wide).
func Users(n int) []demo.User {
	users := make([]demo.User, n)
	for i := range users {
		users[i] = demo.User{ID: fmt.Sprintf("10ad0000-0000-4000-8000-%012d", i+1), TenantID: demo.TenantID,
			Name: fmt.Sprintf("Load User %04d", i+1), UPN: fmt.Sprintf("load%04d@%s", i+1, demo.TenantDomain), JobTitle: "Maker"}
	}
	return users
}

// loadTenantFor generates the Power Platform tenant of the load test: the
// flows are owned round-robin by users (the fake lists a user exactly the
// flows they own), without co-owners, with their generated runs, and with
// no approvals (each user gets their own in prepareLoad).
func loadTenantFor(users []demo.User, seed int64) *powerplatform.Tenant {
	total := len(users) * loadFlowsPerUser
	t := powerplatform.Generate(powerplatform.Spec{Environments: loadEnvironments,
		FlowsPerEnvironment: (total + loadEnvironments - 1) / loadEnvironments, RunsPerFlow: loadRunsPerFlow,
		Seed: seed, Users: users, Now: time.Now().UTC()})
	t.Flows = t.Flows[:total]
	for i, fl := range t.Flows {
		fl.OwnerID, fl.SharedWith, fl.Solution = users[i%len(users)].ID, nil, false
	}
	t.Approvals = nil
	return t
}

// loadUser is one simulated Teams user: who they are, their chat with the
// bot, what they can name in commands and the approval card they act on.
type loadUser struct {
	user demo.User
	conv string   // the personal conversation id
	mri  string   // 29:… id
	flow []string // display names of the flows they own

	approvalEnv, approvalID string
	approvalCard            string // activity id of the approval card in conv

	sso     string // Teams SSO token for the tab, as the Teams client caches it
	ssoTime time.Time

	// baseline is how many bot messages conv held when the run started.
	baseline int
}

// ssoMaxAge is how long a user reuses an SSO token; the fake mints them
// for an hour, and the Teams client too renews them before they expire.
const ssoMaxAge = 30 * time.Minute

// token returns u's SSO token, minting a new one when it is old.
func (u *loadUser) token(s *localcloud.Stack) (string, error) {
	if u.sso != "" && time.Since(u.ssoTime) < ssoMaxAge {
		return u.sso, nil
	}
	tok, err := s.SSOToken(u.user)
	if err != nil {
		return "", err
	}
	u.sso, u.ssoTime = tok, time.Now()
	return tok, nil
}

// prepareLoad readies users as real users would be before the measured
// run: each signs in through the bot (signin/tokenExchange with a Teams
// SSO token), is sent an approval in Power Automate, and finds its card in
// the chat (posted by the same cardaction.Router the monitor posts with, so
// that its buttons are accepted). It records what each conversation holds
// afterwards as the baseline of the reply count.
func prepareLoad(ctx context.Context, s *localcloud.Stack, d *connector.Driver, users []demo.User, tenant *powerplatform.Tenant) ([]*loadUser, error) {
	flows := map[string][]string{}
	for _, fl := range tenant.Flows {
		flows[fl.OwnerID] = append(flows[fl.OwnerID], fl.DisplayName)
	}
	env := tenant.Environments[0].Name
	out := make([]*loadUser, len(users))
	errs := make([]error, len(users))
	// Two at a time: more concurrent first sign-ins are slower in all, as
	// they contend for the store's single writer.
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, u := range users {
		out[i] = &loadUser{user: u, conv: d.ConversationID(u), mri: d.UserMRI(u), flow: flows[u.ID], approvalEnv: env}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = prepareUser(ctx, s, d, out[i], users[(i+1)%len(users)])
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", users[i].Name, err)
		}
	}
	for _, lu := range out {
		lu.baseline = countReplies(s.Cloud.Connector.Records(lu.conv))
	}
	return out, nil
}

// prepareUser signs lu in and posts their approval card; owner sent the approval.
//
// Each load user has chosen their notifications in the tab before (a
// settings row), so the first sign-in makes no default subscription and the
// monitor posts nothing of its own during the run: every bot message then
// answers something a user sent, which is what the run counts.
func prepareUser(ctx context.Context, s *localcloud.Stack, d *connector.Driver, lu *loadUser, owner demo.User) error {
	if err := s.Main.Parts().Store.PutSettings(ctx, flowdeck.UserSettings{TenantID: lu.user.TenantID, UserID: lu.user.ID,
		TimeZone: "UTC", UpdatedAt: time.Now()}); err != nil {
		return fmt.Errorf("store the user's settings: %w", err)
	}
	tok, err := lu.token(s)
	if err != nil {
		return fmt.Errorf("mint an SSO token: %w", err)
	}
	before := countReplies(s.Cloud.Connector.Records(lu.conv))
	res, err := d.TokenExchange(ctx, lu.user, tok)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	if res.Status != 200 {
		return fmt.Errorf("sign in: signin/tokenExchange answered %d %.200s", res.Status, res.Body)
	}
	// The bot says "You're signed in" after it answered the exchange: wait
	// for it, so that the run's baseline counts it (on a busy machine it
	// could come after the baseline and count as an unexpected reply).
	if err := waitReplies(ctx, s.Cloud.Connector, lu.conv, before+1); err != nil {
		return fmt.Errorf("wait for the signed-in message: %w", err)
	}
	if lu.approvalID, err = s.Cloud.PowerPlatform.AddApproval(powerplatform.Approval{Environment: lu.approvalEnv,
		Title: "Load test purchase for " + lu.user.Name, Details: "Generated by flowdeck bench load.",
		OwnerID: owner.ID, Approvers: []string{lu.user.ID}}); err != nil {
		return fmt.Errorf("add an approval: %w", err)
	}
	p := flowdeck.Principal{TenantID: lu.user.TenantID, UserID: lu.user.ID, Name: lu.user.Name, UPN: lu.user.UPN}
	a, err := s.Main.Parts().Ops.Approval(flowdeck.WithPrincipal(ctx, p), lu.approvalEnv, lu.approvalID)
	if err != nil {
		return fmt.Errorf("read the approval as its approver: %w", err)
	}
	conv := flowdeck.ConversationRef{TenantID: lu.user.TenantID, ConversationID: lu.conv, Scope: flowdeck.ScopePersonal,
		UserID: lu.user.ID, ServiceURL: s.Cloud.Connector.ServiceURL(), BotID: "28:" + s.Config.ClientID, ChannelID: "msteams"}
	if lu.approvalCard, err = s.Main.Parts().CardActions.PostApproval(ctx, conv, a, []string{lu.mri}); err != nil {
		return fmt.Errorf("post the approval card: %w", err)
	}
	return nil
}

// waitReplies waits, at most 30 s, until conv holds n bot messages.
func waitReplies(ctx context.Context, conn *connector.Server, conv string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	recs := conn.Records(conv)
	for countReplies(recs) < n {
		more, err := conn.WaitFor(ctx, conv, len(recs)+1)
		if err != nil {
			return err
		}
		recs = more
	}
	return nil
}

// countReplies counts the bot's messages among recs: sends and thread
// replies, not typing indicators, updates or deletes.
func countReplies(recs []connector.Record) int {
	n := 0
	for _, r := range recs {
		if isReply(r) {
			n++
		}
	}
	return n
}

// isReply reports whether r is a message the bot posted (the connector
// records a typing indicator as OpTyping).
func isReply(r connector.Record) bool {
	return r.Op == connector.OpSend || r.Op == connector.OpReply
}
