package appmanifest

// Activity-feed notification types FlowDeck declares in the manifest's
// activities.activityTypes: Microsoft Graph's sendActivityNotification
// accepts only a declared activityType, and Teams builds the notification's
// title from its templateText, whose {parameters} the request's
// templateParameters fill
// (https://learn.microsoft.com/graph/teams-send-activityfeednotifications).
const (
	// ActivityFlowFailed: a run of a watched flow failed; {flowName}.
	ActivityFlowFailed = "flowFailed"
	// ActivityApprovalRequested: an approval waits for the user; {title}.
	ActivityApprovalRequested = "approvalRequested"
)

// ActivityType is one entry of activities.activityTypes.
type ActivityType struct {
	Type         string `json:"type"`
	Description  string `json:"description"`
	TemplateText string `json:"templateText"`
}

// ActivityTypes are the activity types the manifest declares.
func ActivityTypes() []ActivityType {
	return []ActivityType{
		{Type: ActivityFlowFailed, Description: "A flow you watch failed", TemplateText: "{flowName} failed"},
		{Type: ActivityApprovalRequested, Description: "An approval waits for your answer", TemplateText: "{title} waits for your approval"},
	}
}

// activities is the manifest's activities object.
type activities struct {
	ActivityTypes []ActivityType `json:"activityTypes"`
}
