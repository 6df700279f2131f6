package flowdeck

// Where a user's failure alerts and new approvals arrive (UserSettings.Delivery).
const (
	// DeliveryChat: a card in FlowDeck's personal chat (the default, also for "").
	DeliveryChat = "chat"
	// DeliveryFeed: a Teams activity-feed notification that opens the tab.
	DeliveryFeed = "feed"
	// DeliveryBoth: the card and the notification.
	DeliveryBoth = "both"
)

// ValidDelivery reports whether d is a delivery choice ("" means chat).
func ValidDelivery(d string) bool {
	return d == "" || d == DeliveryChat || d == DeliveryFeed || d == DeliveryBoth
}

// FeedNotification is one Teams activity-feed notification for a user, as
// Microsoft Graph's sendActivityNotification takes it: an activity type the
// app's manifest declares, the values of its template's parameters, a topic
// (its text and the Teams deep link the notification opens) and a preview.
type FeedNotification struct {
	ActivityType string
	// Parameters fill the activity type's templateText, in order.
	Parameters []FeedParameter
	// Topic is the text shown as the notification's topic; WebURL the Teams
	// deep link it opens (the tab's page of the run or the approvals).
	Topic  string
	WebURL string
	// Preview is the notification's preview text (Teams shows 150 characters).
	Preview string
}

// FeedParameter is one templateParameters entry.
type FeedParameter struct {
	Name  string
	Value string
}
