package ops

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// AppsReport is the Power Apps of every environment.
type AppsReport struct {
	Apps    []flowdeck.App `json:"apps"`
	Partial []Partial      `json:"partial,omitempty"`
}

// ConnectionsReport is the connections of every environment, broken ones first.
type ConnectionsReport struct {
	Connections []flowdeck.Connection `json:"connections"`
	Partial     []Partial             `json:"partial,omitempty"`
}

// Apps lists the user's Power Apps in every environment.
func (s *Service) Apps(ctx context.Context) (AppsReport, error) {
	var rep AppsReport
	partial, err := s.perEnvironment(ctx, func(ctx context.Context, e flowdeck.Environment, add func(func())) error {
		apps, err := s.apps.Apps(ctx, e.ID)
		add(func() { rep.Apps = append(rep.Apps, apps...) })
		return err
	})
	rep.Partial = partial
	slices.SortFunc(rep.Apps, func(a, b flowdeck.App) int {
		return cmp.Or(cmp.Compare(a.DisplayName, b.DisplayName), cmp.Compare(a.ID, b.ID))
	})
	return rep, err
}

// Connections lists the user's connections in every environment, broken ones first.
func (s *Service) Connections(ctx context.Context) (ConnectionsReport, error) {
	var rep ConnectionsReport
	partial, err := s.perEnvironment(ctx, func(ctx context.Context, e flowdeck.Environment, add func(func())) error {
		cs, err := s.apps.Connections(ctx, e.ID)
		add(func() { rep.Connections = append(rep.Connections, cs...) })
		return err
	})
	rep.Partial = partial
	slices.SortFunc(rep.Connections, func(a, b flowdeck.Connection) int {
		broken := func(c flowdeck.Connection) int {
			if c.Status == flowdeck.ConnectionConnected {
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(broken(a), broken(b)), cmp.Compare(a.DisplayName, b.DisplayName), cmp.Compare(a.ID, b.ID))
	})
	return rep, err
}

// perEnvironment runs fn for every environment at once; an environment whose
// call fails is named in the partial list and the rest still answers.
func (s *Service) perEnvironment(ctx context.Context, fn func(ctx context.Context, e flowdeck.Environment, add func(func())) error) ([]Partial, error) {
	envs, err := s.overview.Environments(ctx)
	if err != nil {
		return nil, err
	}
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		partial []Partial
	)
	add := func(f func()) { mu.Lock(); f(); mu.Unlock() }
	for _, e := range envs {
		wg.Go(func() {
			if err := fn(ctx, e, add); err != nil {
				add(func() {
					partial = append(partial, Partial{EnvironmentID: e.ID, Name: e.DisplayName, Err: err, Message: flowdeck.Message(err), Code: flowdeck.Code(err)})
				})
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(partial) == len(envs) && len(envs) > 0 {
		return nil, partial[0].Err
	}
	slices.SortFunc(partial, func(a, b Partial) int { return cmp.Compare(a.Name, b.Name) })
	return partial, nil
}
