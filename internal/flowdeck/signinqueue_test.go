package flowdeck_test

import (
	"context"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestSignInQueue: Add never blocks, signals Ready, and holds each user once
// until Take empties the queue in the order of arrival.
func TestSignInQueue(t *testing.T) {
	q := flowdeck.NewSignInQueue()
	adele := flowdeck.Principal{TenantID: "t", UserID: "adele"}
	megan := flowdeck.Principal{TenantID: "t", UserID: "megan"}
	ctx := context.Background()
	for range 3 {
		q.Add(ctx, adele) // more than the signal's room: never blocks
	}
	q.Add(ctx, megan)
	select {
	case <-q.Ready():
	default:
		t.Fatal("Ready did not fire after Add")
	}
	got := q.Take()
	if len(got) != 2 || got[0] != adele || got[1] != megan {
		t.Fatalf("Take = %+v, want Adele then Megan, once each", got)
	}
	if got := q.Take(); len(got) != 0 {
		t.Fatalf("Take after Take = %+v, want none", got)
	}
	q.Add(ctx, adele)
	if got := q.Take(); len(got) != 1 {
		t.Fatalf("Adele again after she was taken: %+v", got)
	}
}
