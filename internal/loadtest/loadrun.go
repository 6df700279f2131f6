package loadtest

import (
	"github.com/flowdeck/flowdeck/internal/localcloud"

	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
)

// loadMix weighs the three kinds of traffic a simulated user makes.
type loadMix struct{ Command, Card, Tab int }

// defaultLoadMix: a chat-first user, who also uses the buttons of the cards
// in the chat and the personal tab.
var defaultLoadMix = loadMix{Command: 40, Card: 30, Tab: 30}

// loadOptions shape a run.
type loadOptions struct {
	// Duration is how long the users act.
	Duration time.Duration
	// Think is a user's mean pause between two actions (uniform in
	// [Think/2, 3·Think/2]).
	Think time.Duration
	// Drain bounds the wait for the replies after the run.
	Drain time.Duration
	// Seed makes each user's choices reproducible.
	Seed int64
	// Mix weighs commands, card actions and tab calls (zero: defaultLoadMix).
	Mix loadMix
}

// The commands users type, with their weights; runs names one of the user's flows.
var loadCommands = []struct {
	line   string
	weight int
}{{"help", 15}, {"flows", 25}, {"approvals", 20}, {"envs", 10}, {"failed", 15}, {"runs", 15}}

// The tab calls, with their weights.
var loadTabCalls = []struct {
	path   string
	weight int
}{{"/api/me", 10}, {"/api/flows", 30}, {"/api/approvals", 25}, {"/api/dashboard", 20}, {"/api/environments", 15}}

// loader runs the simulated users against a stack.
type loader struct {
	s      *localcloud.Stack
	d      *connector.Driver
	hc     *http.Client
	o      loadOptions
	res    *Result
	sentMu sync.Mutex
	sent   map[*loadUser][]sentMessage // accepted messages, by user, in order
}

// runLoad makes every user act until o.Duration is over, then waits up to
// o.Drain for the reply of every accepted message and checks the replies.
func runLoad(ctx context.Context, s *localcloud.Stack, d *connector.Driver, users []*loadUser, o loadOptions) *Result {
	if o.Mix == (loadMix{}) {
		o.Mix = defaultLoadMix
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 0, max(256, len(users))
	l := &loader{s: s, d: d, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}, o: o,
		res: newLoadResult(len(users), o), sent: map[*loadUser][]sentMessage{}}
	defer tr.CloseIdleConnections()

	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i, u := range users {
		rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(i)))
		wg.Go(func() { l.user(runCtx, u, rng) })
	}
	wg.Wait()
	l.res.Elapsed = time.Since(start)

	drainCtx, cancelDrain := context.WithTimeout(ctx, o.Drain)
	defer cancelDrain()
	for _, u := range users {
		l.drain(drainCtx, u)
	}
	return l.res
}

// user is one user's loop: a pause, then an action, until ctx ends. The
// first pause is uniform in [0, Think), so that users do not start together.
func (l *loader) user(ctx context.Context, u *loadUser, rng *rand.Rand) {
	pause := time.Duration(rng.Int64N(int64(l.o.Think) + 1))
	for {
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		// An action started is finished even when the run ends meanwhile.
		l.act(context.WithoutCancel(ctx), u, rng)
		pause = l.o.Think/2 + time.Duration(rng.Int64N(int64(l.o.Think)+1))
	}
}

// act does one weighted-random action.
func (l *loader) act(ctx context.Context, u *loadUser, rng *rand.Rand) {
	m := l.o.Mix
	switch n := rng.IntN(m.Command + m.Card + m.Tab); {
	case n < m.Command:
		l.command(ctx, u, rng)
	case n < m.Command+m.Card:
		l.cardAction(ctx, u, rng)
	default:
		l.tabCall(ctx, u, rng)
	}
}

// pick returns an index into weights, drawn by weight.
func pick(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// command sends a message; its reply comes through the connector and is
// checked by drain.
func (l *loader) command(ctx context.Context, u *loadUser, rng *rand.Rand) {
	ws := make([]int, len(loadCommands))
	for i, c := range loadCommands {
		ws[i] = c.weight
	}
	name := loadCommands[pick(rng, ws)].line
	line := name
	if name == "runs" && len(u.flow) > 0 {
		line += " " + u.flow[rng.IntN(len(u.flow))]
	}
	start := time.Now()
	res, err := l.d.Say(ctx, u.user, line)
	took := time.Since(start)
	switch {
	case err != nil:
		l.res.add(kindCommand, name, took, "transport: "+err.Error())
	case res.Status/100 != 2:
		l.res.add(kindCommand, name, took, "HTTP "+strconv.Itoa(res.Status))
	default:
		l.res.add(kindCommand, name, took, "")
		l.sentMu.Lock()
		l.sent[u] = append(l.sent[u], sentMessage{at: start, command: name})
		l.sentMu.Unlock()
	}
}

// cardAction presses a button: refresh or answer the user's approval card,
// or the More button of a flows list. The answer is the invoke's body.
func (l *loader) cardAction(ctx context.Context, u *loadUser, rng *rand.Rand) {
	approval := map[string]any{"approvalId": u.approvalID, "environmentId": u.approvalEnv}
	var verb, replyTo string
	var data map[string]any
	switch pick(rng, []int{50, 35, 15}) {
	case 0:
		verb, replyTo, data = cards.VerbApprovalRefresh, u.approvalCard, approval
	case 1:
		verb, data = cards.VerbListMore, map[string]any{"command": "flows", "cursor": "0"}
	default:
		approval["response"], approval["comment"] = "Approve", "OK from the load test"
		verb, replyTo, data = cards.VerbApprovalRespond, u.approvalCard, approval
	}
	start := time.Now()
	res, err := l.d.CardAction(ctx, u.user, replyTo, verb, data, true)
	took := time.Since(start)
	switch {
	case err != nil:
		l.res.add(kindCard, verb, took, "transport: "+err.Error())
	case res.Status != http.StatusOK:
		l.res.add(kindCard, verb, took, "HTTP "+strconv.Itoa(res.Status))
	default:
		l.res.add(kindCard, verb, took, invokeProblem(res.Body))
	}
}

// invokeProblem returns why an adaptiveCard/action answer is an error, or "".
func invokeProblem(body []byte) string {
	var v struct {
		StatusCode int    `json:"statusCode"`
		Type       string `json:"type"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "undecodable answer"
	}
	if v.StatusCode != http.StatusOK || v.Type == "application/vnd.microsoft.error" {
		return fmt.Sprintf("answer statusCode %d %s", v.StatusCode, v.Type)
	}
	return cardProblem(body)
}

// tabCall calls the tab API with the user's SSO token.
func (l *loader) tabCall(ctx context.Context, u *loadUser, rng *rand.Rand) {
	ws := make([]int, len(loadTabCalls))
	for i, c := range loadTabCalls {
		ws[i] = c.weight
	}
	path := loadTabCalls[pick(rng, ws)].path
	start := time.Now()
	status, err := l.get(ctx, u, path)
	took := time.Since(start)
	switch {
	case err != nil:
		l.res.add(kindTab, path, took, "transport: "+err.Error())
	case status != http.StatusOK:
		l.res.add(kindTab, path, took, "HTTP "+strconv.Itoa(status))
	default:
		l.res.add(kindTab, path, took, "")
	}
}

// get calls GET path as u and reads the whole answer.
func (l *loader) get(ctx context.Context, u *loadUser, path string) (int, error) {
	tok, err := u.token(l.s)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.s.URL()+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := l.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}
