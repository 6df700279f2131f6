package flowdeck

import (
	"context"
	"time"
)

// Subscription targets: what a subscription watches.
const (
	// WatchAll watches every flow the owner can see.
	WatchAll = "all"
	// WatchEnvironment watches every flow of one environment.
	WatchEnvironment = "environment"
	// WatchFlow watches one flow.
	WatchFlow = "flow"
	// WatchMine watches the flows the owner owns (OwnerID is their object
	// id): the default subscription made at the first sign-in.
	WatchMine = "mine"
	// WatchApprovals watches no flow: approvals only, in the personal chat.
	WatchApprovals = "approvals"
)

// Subscription is a standing request to be told about events: failures,
// flows turned off, approvals. A user subscription delivers to the user's
// personal chat; a channel subscription delivers to ConversationID.
type Subscription struct {
	// ID is assigned by the store when empty.
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	// UserID is the user whose delegated tokens the monitor uses.
	UserID string `json:"userId"`
	// ConversationID is the target conversation for a channel subscription;
	// empty means the user's personal chat.
	ConversationID string `json:"conversationId,omitempty"`
	// Target is WatchAll, WatchEnvironment, WatchFlow, WatchMine or WatchApprovals.
	Target        string `json:"target"`
	EnvironmentID string `json:"environmentId,omitempty"`
	FlowID        string `json:"flowId,omitempty"`
	// FlowName is the display name at the time of subscribing, for listings.
	FlowName string `json:"flowName,omitempty"`
	// Watermark is the time up to which events have been delivered.
	Watermark time.Time `json:"watermark"`
	// Paused is set while the user's tokens are dead, until they sign in again.
	Paused bool `json:"paused"`
	// MutedUntil suppresses alerts until this time (zero: not muted).
	MutedUntil time.Time `json:"mutedUntil"`
	// Auto is set on the default subscription FlowDeck made at the user's
	// first sign-in; a subscription the user asked for has it unset.
	Auto      bool      `json:"auto"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Validate reports what is wrong with s before it is stored.
func (s Subscription) Validate() error {
	switch {
	case s.TenantID == "" || s.UserID == "":
		return Errorf(ErrInvalid, "A subscription needs a tenant and a user.")
	case s.Target != WatchAll && s.Target != WatchEnvironment && s.Target != WatchFlow && s.Target != WatchMine && s.Target != WatchApprovals:
		return Errorf(ErrInvalid, "Watch a flow, an environment or all flows.")
	case (s.Target == WatchMine || s.Target == WatchApprovals) && s.ConversationID != "":
		return Errorf(ErrInvalid, "Your own flows and your approvals are watched in your personal chat only.")
	case s.Target == WatchEnvironment && s.EnvironmentID == "":
		return Errorf(ErrInvalid, "Say which environment to watch.")
	case s.Target == WatchFlow && (s.EnvironmentID == "" || s.FlowID == ""):
		return Errorf(ErrInvalid, "Say which flow to watch.")
	}
	return nil
}

// SubscriptionFilter selects subscriptions. Empty fields match everything.
type SubscriptionFilter struct {
	TenantID string
	UserID   string
	// Active, when true, leaves out paused subscriptions.
	Active bool
}

// UserSettings are a user's notification preferences.
type UserSettings struct {
	TenantID string `json:"tenantId"`
	UserID   string `json:"userId"`
	// TimeZone is an IANA zone name ("Europe/Paris"); empty means UTC.
	TimeZone string `json:"timeZone"`
	// DigestTime is the local time of the daily digest as "HH:MM"; empty means off.
	DigestTime string `json:"digestTime"`
	// QuietStart and QuietEnd bound the local quiet hours as "HH:MM"; empty means none.
	QuietStart string `json:"quietStart"`
	QuietEnd   string `json:"quietEnd"`
	// Delivery is where failure alerts and new approvals arrive:
	// DeliveryChat (also when empty), DeliveryFeed or DeliveryBoth.
	Delivery  string    `json:"delivery"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// SubscriptionStore keeps subscriptions, their watermarks, and user settings.
type SubscriptionStore interface {
	// CreateSubscription stores s, assigning an ID when empty, and returns it.
	// It returns ErrInvalid when s does not validate, and ErrConflict when the
	// same user already watches the same target in the same conversation.
	CreateSubscription(ctx context.Context, s Subscription) (Subscription, error)
	// GetSubscription returns one subscription, or ErrNotFound.
	GetSubscription(ctx context.Context, id string) (Subscription, error)
	// ListSubscriptions returns the subscriptions matching f, oldest first.
	ListSubscriptions(ctx context.Context, f SubscriptionFilter) ([]Subscription, error)
	// DeleteSubscription removes one subscription, or returns ErrNotFound.
	DeleteSubscription(ctx context.Context, id string) error
	// AdvanceWatermark moves the watermark from `from` to `to` atomically. It
	// returns ErrConflict when the stored watermark is no longer `from` (another
	// replica moved it), and ErrNotFound when the subscription is gone.
	AdvanceWatermark(ctx context.Context, id string, from, to time.Time) error
	// SetPaused pauses or resumes every subscription of the user and returns
	// how many changed state; of several concurrent calls that pause the same
	// user, exactly one sees a non-zero count.
	SetPaused(ctx context.Context, tenantID, userID string, paused bool) (int, error)
	// SetMutedUntil mutes one subscription until t (zero unmutes), or returns ErrNotFound.
	SetMutedUntil(ctx context.Context, id string, t time.Time) error
	// PutSettings inserts or replaces the user's settings.
	PutSettings(ctx context.Context, s UserSettings) error
	// GetSettings returns the user's settings, or ErrNotFound.
	GetSettings(ctx context.Context, tenantID, userID string) (UserSettings, error)
	// ListDigests returns the settings of every user with a digest time, for
	// the monitor, which sends digests also to users who watch nothing.
	ListDigests(ctx context.Context) ([]UserSettings, error)
}
