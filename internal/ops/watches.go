package ops

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Watch subscribes the user to a target (flowdeck.WatchAll, WatchEnvironment
// or WatchFlow) delivered to their personal chat, or to conversationID (a
// channel). Watching what is already watched returns the existing subscription.
func (s *Service) Watch(ctx context.Context, sub flowdeck.Subscription) (flowdeck.Subscription, error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.Subscription{}, err
	}
	sub.ID, sub.TenantID, sub.UserID = "", p.TenantID, p.UserID
	sub.Watermark = s.now()
	created, err := s.subs.CreateSubscription(ctx, sub)
	if errors.Is(err, flowdeck.ErrConflict) {
		for _, existing := range mustList(s.Watches(ctx)) {
			if existing.Target == sub.Target && existing.EnvironmentID == sub.EnvironmentID && existing.FlowID == sub.FlowID && existing.ConversationID == sub.ConversationID {
				return existing, nil
			}
		}
	}
	return created, err
}

func mustList(subs []flowdeck.Subscription, err error) []flowdeck.Subscription {
	if err != nil {
		return nil
	}
	return subs
}

// Watches lists the user's subscriptions.
func (s *Service) Watches(ctx context.Context) ([]flowdeck.Subscription, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	return s.subs.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: p.TenantID, UserID: p.UserID})
}

// Unwatch removes one of the user's subscriptions. Another user's
// subscription is ErrNotFound, exactly as a missing one.
func (s *Service) Unwatch(ctx context.Context, id string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	sub, err := s.subs.GetSubscription(ctx, id)
	if err != nil {
		return err
	}
	if sub.TenantID != p.TenantID || sub.UserID != p.UserID {
		return flowdeck.Errorf(flowdeck.ErrNotFound, "You do not watch that.")
	}
	return s.subs.DeleteSubscription(ctx, id)
}

// UnwatchAll removes every subscription of the user and says how many.
func (s *Service) UnwatchAll(ctx context.Context) (int, error) {
	subs, err := s.Watches(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range subs {
		if err := s.subs.DeleteSubscription(ctx, sub.ID); err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Settings returns the user's notification settings (defaults when unset).
func (s *Service) Settings(ctx context.Context) (flowdeck.UserSettings, error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.UserSettings{}, err
	}
	st, err := s.subs.GetSettings(ctx, p.TenantID, p.UserID)
	if errors.Is(err, flowdeck.ErrNotFound) {
		return flowdeck.UserSettings{TenantID: p.TenantID, UserID: p.UserID, TimeZone: "UTC"}, nil
	}
	return st, err
}

// SetSettings validates and stores the user's settings: an IANA time zone,
// the digest time and quiet hours as HH:MM (empty turns each off).
func (s *Service) SetSettings(ctx context.Context, st flowdeck.UserSettings) (flowdeck.UserSettings, error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.UserSettings{}, err
	}
	st.TenantID, st.UserID = p.TenantID, p.UserID
	if st.TimeZone == "" {
		st.TimeZone = "UTC"
	}
	if err := checkSettings(st); err != nil {
		return flowdeck.UserSettings{}, err
	}
	if err := s.subs.PutSettings(ctx, st); err != nil {
		return flowdeck.UserSettings{}, err
	}
	return st, nil
}

// SettingField is the Detail key of a settings refusal that names the field
// at fault (timeZone, digestTime, quietStart or quietEnd), so a form can mark it.
const SettingField = "field"

// fieldError is an invalid-input error that names the field at fault.
func fieldError(field, format string, args ...any) error {
	e := flowdeck.Errorf(flowdeck.ErrInvalid, format, args...)
	e.Detail = map[string]string{SettingField: field}
	return e
}

// checkSettings judges what the settings mean: an IANA time zone, times as
// HH:MM, and quiet hours with both ends, which differ.
func checkSettings(st flowdeck.UserSettings) error {
	if !flowdeck.ValidDelivery(st.Delivery) {
		return fieldError("delivery", "Alerts arrive in the chat, the activity feed, or both: pick chat, feed or both.")
	}
	if _, err := time.LoadLocation(st.TimeZone); err != nil || len(st.TimeZone) > 64 || st.TimeZone == "Local" {
		return fieldError("timeZone", "Unknown time zone; pick one from the list, such as Europe/Paris.")
	}
	for _, f := range []struct{ name, label, v string }{
		{"digestTime", "The digest time", st.DigestTime},
		{"quietStart", "The start of quiet hours", st.QuietStart},
		{"quietEnd", "The end of quiet hours", st.QuietEnd},
	} {
		if f.v != "" && !hhmm.MatchString(f.v) {
			return fieldError(f.name, "%s is HH:MM on a 24-hour clock, such as 08:30.", f.label)
		}
	}
	switch {
	case st.QuietStart == "" && st.QuietEnd != "":
		return fieldError("quietStart", "Quiet hours need a start as well as an end.")
	case st.QuietStart != "" && st.QuietEnd == "":
		return fieldError("quietEnd", "Quiet hours need an end as well as a start.")
	case st.QuietStart != "" && st.QuietStart == st.QuietEnd:
		return fieldError("quietEnd", "Quiet hours end at a different time than they start.")
	}
	return nil
}
