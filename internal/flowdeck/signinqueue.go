package flowdeck

import (
	"context"
	"sync"
)

// SignInQueue carries "this user must sign in again" from the token broker,
// which learns it when a user's refresh token dies, to the background
// monitor, which pauses the user's subscriptions and sends them one card.
// It is made before both, so that neither needs the other to exist first:
// the broker adds to it (identity.BrokerOptions.OnSignInNeeded = Add) and
// the monitor takes from it (monitor.Options.SignIns).
//
// Add never blocks, and the queue holds each user once until they are taken.
// It is safe for concurrent use.
type SignInQueue struct {
	mu      sync.Mutex
	pending []Principal
	queued  map[[2]string]bool
	ready   chan struct{}
}

// NewSignInQueue returns an empty queue.
func NewSignInQueue() *SignInQueue {
	return &SignInQueue{queued: map[[2]string]bool{}, ready: make(chan struct{}, 1)}
}

// Add queues p, unless p is queued already. ctx is not kept.
func (q *SignInQueue) Add(_ context.Context, p Principal) {
	k := [2]string{p.TenantID, p.UserID}
	q.mu.Lock()
	if !q.queued[k] {
		q.queued[k] = true
		q.pending = append(q.pending, p)
	}
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// Ready receives after an Add; Take then returns what is queued.
func (q *SignInQueue) Ready() <-chan struct{} { return q.ready }

// Take returns the queued users in the order they were added and empties
// the queue.
func (q *SignInQueue) Take() []Principal {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.pending
	q.pending = nil
	clear(q.queued)
	return out
}
