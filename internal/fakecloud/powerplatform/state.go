package powerplatform

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// state indexes a Tenant for the handlers. The Server's mu guards it.
type state struct {
	envs       map[string]*Environment
	envList    []*Environment
	defaultEnv map[string]string // tenant id → default environment name
	flowsByEnv map[string][]*Flow
	flows      map[string]*Flow
	runIdx     map[*Flow]map[string]*Run
	// timed holds the Running runs with a planned end, for advance.
	timed     map[*Run]*Flow
	approvals map[string]*Approval
	apprByEnv map[string][]*Approval
	apps      []*App
	appIdx    map[string]*App
	conns     []*Connection
	users     map[string]demo.User
}

func flowKey(env, flow string) string { return env + "/" + strings.ToLower(flow) }

// compareRuns orders runs by start time, then name (oldest first).
func compareRuns(a, b *Run) int {
	if c := a.StartTime.Compare(b.StartTime); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

func newState(t *Tenant) *state {
	st := &state{
		envs: map[string]*Environment{}, defaultEnv: map[string]string{},
		flowsByEnv: map[string][]*Flow{}, flows: map[string]*Flow{}, runIdx: map[*Flow]map[string]*Run{},
		timed: map[*Run]*Flow{}, approvals: map[string]*Approval{}, apprByEnv: map[string][]*Approval{},
		appIdx: map[string]*App{}, users: map[string]demo.User{},
	}
	for _, u := range demo.Users() {
		st.users[u.ID] = u
	}
	for _, u := range t.Users {
		st.users[u.ID] = u
	}
	for _, e := range t.Environments {
		st.envs[strings.ToLower(e.Name)] = e
		st.envList = append(st.envList, e)
		if e.IsDefault {
			st.defaultEnv[e.TenantID] = e.Name
		}
	}
	for _, f := range t.Flows {
		st.flowsByEnv[f.Environment] = append(st.flowsByEnv[f.Environment], f)
		st.flows[flowKey(f.Environment, f.Name)] = f
		slices.SortFunc(f.Runs, compareRuns)
		idx := make(map[string]*Run, len(f.Runs))
		for _, r := range f.Runs {
			idx[r.Name] = r
			if r.Status == RunRunning && !r.PlannedEnd.IsZero() {
				st.timed[r] = f
			}
		}
		st.runIdx[f] = idx
	}
	for env, fs := range st.flowsByEnv {
		slices.SortFunc(fs, func(a, b *Flow) int { return strings.Compare(a.Name, b.Name) })
		st.flowsByEnv[env] = fs
	}
	for _, a := range t.Approvals {
		st.approvals[strings.ToLower(a.Name)] = a
		st.apprByEnv[a.Environment] = append(st.apprByEnv[a.Environment], a)
	}
	for env, as := range st.apprByEnv {
		slices.SortFunc(as, func(a, b *Approval) int {
			return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.Name, b.Name))
		})
		st.apprByEnv[env] = as
	}
	st.apps = slices.Clone(t.Apps)
	slices.SortFunc(st.apps, func(a, b *App) int { return strings.Compare(a.Name, b.Name) })
	for _, a := range st.apps {
		st.appIdx[strings.ToLower(a.Name)] = a
	}
	st.conns = slices.Clone(t.Connections)
	slices.SortFunc(st.conns, func(a, b *Connection) int { return strings.Compare(a.Name, b.Name) })
	return st
}

// env resolves name (or ~default) for tenant tid; nil when absent or foreign.
func (st *state) env(tid, name string) *Environment {
	if strings.EqualFold(name, "~default") {
		name = st.defaultEnv[tid]
	}
	e := st.envs[strings.ToLower(name)]
	if e == nil || e.TenantID != tid {
		return nil
	}
	return e
}

// envAny resolves name without a tenant (test helpers).
func (st *state) envAny(name string) *Environment { return st.envs[strings.ToLower(name)] }

// advance completes the timed Running runs whose planned end has passed.
func (st *state) advance(now time.Time) {
	for r, f := range st.timed {
		if !now.Before(r.PlannedEnd) {
			finishRun(f, r, r.PlannedEnd)
			delete(st.timed, r)
		}
	}
}

// finishRun completes r with its planned status at end.
func finishRun(f *Flow, r *Run, end time.Time) {
	r.Status = cmp.Or(r.PlannedStatus, RunSucceeded)
	r.EndTime = end
	if r.Status == RunFailed && r.Failure == nil {
		fl := f.Failure
		r.Failure = &fl
	}
}

// addRun inserts r into f's sorted history.
func (st *state) addRun(f *Flow, r *Run) {
	i, _ := slices.BinarySearchFunc(f.Runs, r, compareRuns)
	f.Runs = slices.Insert(f.Runs, i, r)
	st.runIdx[f][r.Name] = r
	if r.Status == RunRunning && !r.PlannedEnd.IsZero() {
		st.timed[r] = f
	}
}

// visibleFlow reports whether oid owns or co-owns f.
func visibleFlow(f *Flow, oid string) bool {
	return f.OwnerID == oid || slices.Contains(f.SharedWith, oid)
}

// seqUUID is a GUID for an object the server creates.
func seqUUID(kind string, seq uint64, now time.Time) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d/%d", kind, seq, now.UnixNano())).String()
}
