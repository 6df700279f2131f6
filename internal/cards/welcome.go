package cards

import "time"

// VerbDefaultsChoose is the verb of the buttons that change the default
// subscription FlowDeck makes at a user's first sign-in.
const VerbDefaultsChoose = "defaults.choose"

// The choices of the default subscription's buttons (DefaultsData.Choice).
const (
	// ChoiceMine is the default: approvals and failures of the user's flows.
	ChoiceMine = "mine"
	// ChoiceApprovals keeps approval cards and stops failure alerts.
	ChoiceApprovals = "approvals"
	// ChoicePause mutes failure alerts for a week; approvals go on.
	ChoicePause = "pause"
	// ChoiceDigest turns the daily digest on at DefaultsData.DigestTime.
	ChoiceDigest = "digest"
)

// DefaultsData is the data of defaults.choose. Teams merges the card's
// digest-time drop-down into it as digestTime.
type DefaultsData struct {
	Choice     string `json:"choice"`
	DigestTime string `json:"digestTime,omitempty"`
}

// autoWatchText says what a signed-in user gets with no setup.
const autoWatchText = "With nothing to set up, I'll post here the approvals assigned to you, and an alert when a flow you own fails."

// digestTimes are the digest times the welcome card offers.
var digestTimes = []string{"07:00", "08:00", "09:00", "12:00", "17:00"}

// defaultChoices adds to c what the default subscription does and its
// one-click choices: approvals only, pause failure alerts for a week, and
// a daily digest at a time picked in the drop-down.
func defaultChoices(c *AdaptiveCard) {
	choices := make([]Choice, len(digestTimes))
	for i, t := range digestTimes {
		choices[i] = Choice{Title: t, Value: t}
	}
	c.Body = append(c.Body, para(autoWatchText),
		subtle("Change it with one click, or type **watch** to choose flows and channels yourself."),
		&InputChoiceSet{ID: "digestTime", Label: "Daily digest time (UTC until you set your time zone in the tab)", Choices: choices, Value: "08:00"},
		&ActionSet{Actions: []Action{
			&ExecuteAction{Title: "Approvals only", Verb: VerbDefaultsChoose, Data: DefaultsData{Choice: ChoiceApprovals}},
			&ExecuteAction{Title: "Pause failure alerts for a week", Verb: VerbDefaultsChoose, Data: DefaultsData{Choice: ChoicePause}},
			&ExecuteAction{Title: "Send me a daily digest", Verb: VerbDefaultsChoose, Data: DefaultsData{Choice: ChoiceDigest}},
		}},
	)
}

// SignedInCard goes with the message that announces a sign-in that made
// the default subscription: what it posts, and its one-click choices.
func SignedInCard() *AdaptiveCard {
	c := newCard("Your alerts", heading("Your alerts"))
	defaultChoices(c)
	return c
}

// DefaultChosenCard replaces the card whose button chose: what the user now
// gets (choice, with the digest time or the end of the pause), and a button
// back to the default. already says the click had been handled before.
func DefaultChosenCard(choice, digestTime string, until time.Time, already bool) *AdaptiveCard {
	var text string
	switch choice {
	case ChoiceApprovals:
		text = "Done: I'll post the approvals assigned to you, and no failure alerts."
	case ChoicePause:
		text = "Done: failure alerts are paused until " + until.UTC().Format("Mon 2 Jan 15:04") + " UTC. Approvals still arrive."
	case ChoiceDigest:
		text = "Done: a daily digest of your flows' failures at " + Escape(OneLine(digestTime)) + " (your time zone; set it in the tab)."
	default:
		text = "Done: I'll post the approvals assigned to you, and an alert when a flow you own fails."
	}
	if already {
		text = "That was done already. " + text
	}
	c := newCard("Your alerts", heading("Your alerts"), para(text))
	if choice != ChoiceMine && choice != ChoiceDigest {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Approvals and failure alerts again", Verb: VerbDefaultsChoose, Data: DefaultsData{Choice: ChoiceMine}})
	}
	return c
}
