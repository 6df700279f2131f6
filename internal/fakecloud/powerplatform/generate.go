package powerplatform

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Spec sizes a generated tenant.
type Spec struct {
	Environments        int
	FlowsPerEnvironment int
	RunsPerFlow         int
	Approvals           int
	// Seed makes the tenant reproducible: the same Spec gives the same Tenant.
	Seed int64
	// Now anchors every time (default 2026-02-25T09:00:00Z, to stay deterministic).
	Now time.Time
	// Users own the flows and approve (default demo.UsersOf(demo.TenantID));
	// the tenant is the first user's.
	Users []demo.User
}

// generator carries the random source of one Generate call.
type generator struct {
	rng   *rand.Rand
	now   time.Time
	users []demo.User
	tid   string
	org   string
}

func (g *generator) guid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

func (g *generator) user() demo.User { return g.users[g.rng.IntN(len(g.users))] }

// between returns a duration uniform in [lo, hi).
func (g *generator) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)))
}

// orgName is "Contoso" for users of contoso.onmicrosoft.com.
func orgName(users []demo.User) string {
	_, dom, _ := strings.Cut(users[0].UPN, "@")
	name, _, _ := strings.Cut(dom, ".")
	if name == "" {
		return "Contoso"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// Generate builds a deterministic tenant: environments (Default, Production,
// Sandbox, then Developer ones), flows of realistic kinds with owners, co-owners,
// solution flows, stopped and suspended flows, run histories with real error
// codes, approvals of every type (pending and completed), apps and connections
// (a few broken).
func Generate(spec Spec) *Tenant {
	if len(spec.Users) == 0 {
		spec.Users = demo.UsersOf(demo.TenantID)
	}
	if spec.Now.IsZero() {
		spec.Now = time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)
	}
	spec.Environments = max(spec.Environments, 1)
	g := &generator{
		rng: rand.New(rand.NewPCG(uint64(spec.Seed), uint64(spec.Seed)^0x5deece66d)),
		now: spec.Now.UTC(), users: spec.Users, tid: spec.Users[0].TenantID, org: orgName(spec.Users),
	}
	t := &Tenant{Users: slices.Clone(spec.Users)}
	for i := range spec.Environments {
		t.Environments = append(t.Environments, g.environment(i))
	}
	for _, e := range t.Environments {
		for range spec.FlowsPerEnvironment {
			t.Flows = append(t.Flows, g.flow(e, spec.RunsPerFlow))
		}
	}
	for i := range spec.Approvals {
		e := t.Environments[0]
		if i%4 == 3 && len(t.Environments) > 1 {
			e = t.Environments[1]
		}
		t.Approvals = append(t.Approvals, g.approval(e, t.Flows))
	}
	for _, e := range t.Environments {
		for range 3 {
			t.Apps = append(t.Apps, g.app(e))
		}
		for _, u := range g.users {
			t.Connections = append(t.Connections, g.connections(e, u)...)
		}
	}
	return t
}

func (g *generator) environment(i int) *Environment {
	e := &Environment{TenantID: g.tid, Location: "europe", Created: g.now.Add(-g.between(400*24*time.Hour, 900*24*time.Hour))}
	switch i {
	case 0:
		e.Name, e.DisplayName, e.SKU, e.IsDefault = "Default-"+g.tid, g.org+" (default)", "Default", true
	case 1:
		e.Name, e.DisplayName, e.SKU = g.guid(), g.org+" Production", "Production"
	case 2:
		e.Name, e.DisplayName, e.SKU = g.guid(), g.org+" Dev (Sandbox)", "Sandbox"
	default:
		e.Name, e.DisplayName, e.SKU = g.guid(), fmt.Sprintf("%s %s Team (%d)", g.org, departments[i%len(departments)], i), "Developer"
		e.Location = "unitedstates"
	}
	e.InstanceURL = fmt.Sprintf("https://org%08x.crm4.dynamics.com/", g.rng.Uint32())
	return e
}

func (g *generator) flow(e *Environment, runs int) *Flow {
	tpl := flowTemplates[g.rng.IntN(len(flowTemplates))]
	name := tpl.name
	if strings.Contains(name, "%s") {
		name = fmt.Sprintf(name, departments[g.rng.IntN(len(departments))])
	}
	owner := g.user()
	f := &Flow{
		Name: g.guid(), Environment: e.Name, DisplayName: name, OwnerID: owner.ID, State: StateStarted,
		SuspensionReason: SuspensionNone, Trigger: tpl.trigger, Actions: tpl.actions,
		Failure:  tpl.failures[g.rng.IntN(len(tpl.failures))],
		Duration: tpl.duration/2 + g.between(0, tpl.duration),
		Created:  g.now.Add(-g.between(30*24*time.Hour, 400*24*time.Hour)),
	}
	f.Modified = f.Created.Add(g.between(time.Hour, g.now.Sub(f.Created)))
	if f.Trigger.Type != "Recurrence" {
		f.Trigger.Interval = g.between(f.Trigger.Interval/2, f.Trigger.Interval*3/2)
	}
	if g.rng.Float64() < 0.25 && len(g.users) > 1 {
		for range 1 + g.rng.IntN(2) {
			if u := g.user(); u.ID != owner.ID && !slices.Contains(f.SharedWith, u.ID) {
				f.SharedWith = append(f.SharedWith, u.ID)
			}
		}
	}
	f.Solution = !e.IsDefault && g.rng.Float64() < 0.3
	last := g.now
	switch r := g.rng.Float64(); {
	case r < 0.05:
		f.State, f.SuspensionReason, f.FailRate = StateSuspended, SuspensionAlwaysFailingDetected, 1
		f.SuspensionTime = g.now.Add(-g.between(6*time.Hour, 72*time.Hour))
		last = f.SuspensionTime
	case r < 0.08:
		f.State, f.SuspensionReason, f.FailRate = StateSuspended, SuspensionCompanyDlpViolation, 0.05
		f.SuspensionTime = g.now.Add(-g.between(24*time.Hour, 10*24*time.Hour))
		last = f.SuspensionTime
	case r < 0.18:
		f.State, f.FailRate = StateStopped, 0.1
		f.Modified = g.now.Add(-g.between(2*24*time.Hour, 20*24*time.Hour))
		last = f.Modified
	case r < 0.30:
		f.FailRate = 0.6 + 0.3*g.rng.Float64()
	case r < 0.50:
		f.FailRate = 0.1 + 0.2*g.rng.Float64()
	default:
		f.FailRate = 0.03 * g.rng.Float64()
	}
	if f.Modified.After(last) {
		f.Modified = last
	}
	g.runs(f, tpl, last, runs)
	return f
}

// runs fills f.Runs, oldest first, going back from last.
func (g *generator) runs(f *Flow, tpl flowTemplate, last time.Time, n int) {
	f.Runs = make([]*Run, n)
	waits := slices.ContainsFunc(f.Actions, func(a Action) bool { return a.Type == "OpenApiConnectionWebhook" })
	start := last.Add(-g.between(time.Minute, f.Trigger.Interval/2+time.Minute))
	for k := range n {
		r := &Run{StartTime: start, Status: RunSucceeded}
		r.Name = runName(start, g.rng.Uint64(), g.rng.Uint64())
		if g.rng.Float64() < f.FailRate {
			r.Status = RunFailed
			if g.rng.Float64() < 0.3 {
				fl := tpl.failures[g.rng.IntN(len(tpl.failures))]
				r.Failure = &fl
			}
		}
		dur := f.Duration/2 + g.between(0, f.Duration)
		end := start.Add(dur)
		switch {
		case k == 0 && waits && f.State == StateStarted && g.rng.Float64() < 0.3:
			r.PlannedStatus, r.Status = r.Status, RunRunning // waiting on an approval
		case end.After(g.now):
			r.PlannedStatus, r.Status, r.PlannedEnd = r.Status, RunRunning, end
		default:
			r.EndTime = end
			if r.Status == RunFailed && r.Failure == nil {
				fl := f.Failure
				r.Failure = &fl
			}
		}
		f.Runs[n-1-k] = r
		start = start.Add(-f.Trigger.Interval - g.between(0, f.Trigger.Interval/4+time.Second))
	}
}

func (g *generator) approval(e *Environment, flows []*Flow) *Approval {
	owner := g.user()
	a := &Approval{Name: g.guid(), Environment: e.Name, OwnerID: owner.ID, Priority: []string{"Low", "Medium", "Medium", "High"}[g.rng.IntN(4)]}
	title := approvalTitles[g.rng.IntN(len(approvalTitles))]
	a.Title = fmt.Sprintf(title, 1000+g.rng.IntN(9000), 50+g.rng.IntN(5000))
	flowName := "Invoice approval"
	if len(flows) > 0 {
		flowName = flows[g.rng.IntN(len(flows))].DisplayName
	}
	a.Details = fmt.Sprintf("Requested by **%s** from flow *%s*", owner.Name, flowName)
	switch r := g.rng.Float64(); {
	case r < 0.5:
		a.Type, a.Options = ApprovalBasic, []string{"Approve", "Reject"}
	case r < 0.7:
		a.Type, a.Options = ApprovalBasicAwaitAll, []string{"Approve", "Reject"}
	case r < 0.9:
		a.Type, a.Options = ApprovalCustom, customOptions[g.rng.IntN(len(customOptions))]
	default:
		a.Type, a.Options = ApprovalCustomAwaitAll, customOptions[g.rng.IntN(len(customOptions))]
	}
	for _, i := range g.rng.Perm(len(g.users)) {
		if u := g.users[i]; u.ID != owner.ID && len(a.Approvers) < 1+g.rng.IntN(3) {
			a.Approvers = append(a.Approvers, u.ID)
		}
	}
	if len(a.Approvers) == 0 {
		a.Approvers = []string{owner.ID}
	}
	a.Created = g.now.Add(-g.between(time.Hour, 10*24*time.Hour))
	a.Expiration = a.Created.Add(30 * 24 * time.Hour)
	a.Status = ApprovalPending
	pending := g.rng.Float64() < 0.5
	answered := len(a.Approvers)
	if pending {
		answered = 0
		if strings.HasSuffix(a.Type, "AwaitAll") {
			answered = g.rng.IntN(len(a.Approvers))
		}
	}
	at := a.Created
	for i := range answered {
		at = at.Add(g.between(10*time.Minute, 20*time.Hour))
		if at.After(g.now) {
			at = g.now.Add(-time.Minute)
		}
		resp := a.Options[g.rng.IntN(len(a.Options))]
		if a.Type == ApprovalBasicAwaitAll && (pending || i < answered-1) {
			resp = "Approve"
		}
		a.Responses = append(a.Responses, &ApprovalResponse{Name: g.guid(), UserID: a.Approvers[i], Response: resp,
			Comments: approvalComments[g.rng.IntN(len(approvalComments))], Created: at})
		applyResponses(a, at)
		if a.Status == ApprovalCompleted {
			break
		}
	}
	return a
}

func (g *generator) app(e *Environment) *App {
	owner := g.user()
	a := &App{Name: g.guid(), Environment: e.Name, DisplayName: appNames[g.rng.IntN(len(appNames))], OwnerID: owner.ID,
		Created:    g.now.Add(-g.between(20*24*time.Hour, 500*24*time.Hour)),
		Connectors: []string{"shared_office365users", "shared_sharepointonline"}}
	a.Modified = a.Created.Add(g.between(time.Hour, g.now.Sub(a.Created)))
	for _, u := range g.users {
		if u.ID != owner.ID && g.rng.Float64() < 0.4 {
			a.SharedWith = append(a.SharedWith, u.ID)
		}
	}
	return a
}

var connectionKinds = []string{"shared_office365", "shared_sharepointonline", "shared_teams", "shared_commondataserviceforapps", "shared_approvals", "shared_onedriveforbusiness"}

func (g *generator) connections(e *Environment, u demo.User) []*Connection {
	var out []*Connection
	for _, i := range g.rng.Perm(len(connectionKinds))[:2+g.rng.IntN(3)] {
		conn := connectionKinds[i]
		short := strings.TrimPrefix(conn, "shared_")
		c := &Connection{Name: "shared-" + short[:min(len(short), 12)] + "-" + g.guid(), Environment: e.Name, Connector: conn,
			OwnerID: u.ID, Status: ConnectionConnected, Created: g.now.Add(-g.between(10*24*time.Hour, 400*24*time.Hour))}
		c.Modified = c.Created.Add(g.between(time.Hour, g.now.Sub(c.Created)))
		if g.rng.Float64() < 0.05 {
			ce := connectionErrors[g.rng.IntN(len(connectionErrors))]
			c.Status, c.ErrorTarget, c.ErrorCode, c.ErrorMessage = ConnectionError, ce.target, ce.code, ce.message
		}
		out = append(out, c)
	}
	return out
}
