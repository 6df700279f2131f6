package flowdeck

import "time"

// Flow states (Power Automate's properties.state).
const (
	FlowStarted   = "Started"
	FlowStopped   = "Stopped"
	FlowSuspended = "Suspended"
)

// Run statuses. Other upstream values (Waiting, Skipped, TimedOut, …) are kept as they come.
const (
	RunRunning   = "Running"
	RunSucceeded = "Succeeded"
	RunFailed    = "Failed"
	RunCancelled = "Cancelled"
)

// Approval statuses, roles and the basic response options.
const (
	ApprovalPending   = "Pending"
	ApprovalCompleted = "Completed"
	RoleApprover      = "Approver"
	RoleOwner         = "Owner"
	ResponseApprove   = "Approve"
	ResponseReject    = "Reject"
)

// Connection statuses.
const (
	ConnectionConnected = "Connected"
	ConnectionError     = "Error"
)

// Environment is a Power Platform environment the user can see.
type Environment struct {
	// ID is the environment name: "Default-<tenant id>" or a GUID.
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Location    string `json:"location,omitempty"`
	IsDefault   bool   `json:"isDefault"`
	// SKU is Default, Production, Sandbox, Trial or Developer.
	SKU string `json:"sku,omitempty"`
}

// Flow is a cloud flow.
type Flow struct {
	EnvironmentID string `json:"environmentId"`
	ID            string `json:"id"`
	DisplayName   string `json:"displayName"`
	// State is FlowStarted, FlowStopped or FlowSuspended.
	State string `json:"state"`
	// SuspensionReason is set for suspended flows (AlwaysFailingDetected, CompanyDlpViolation, …).
	SuspensionReason string    `json:"suspensionReason,omitempty"`
	SuspendedAt      time.Time `json:"suspendedAt,omitzero"`
	// TriggerKind is the trigger's technical kind (Recurrence, Request/Button, OpenApiConnection).
	TriggerKind string `json:"triggerKind,omitempty"`
	// Trigger is a short human label: "Recurrence", "Manual", "When an item is created".
	Trigger string `json:"trigger,omitempty"`
	OwnerID string `json:"ownerId,omitempty"`
	// OwnerName is the owner's display name, when FlowDeck could read it
	// (Microsoft Graph); absent otherwise, and surfaces show Someone.
	OwnerName string `json:"ownerName,omitempty"`
	// Link is the flow's page in the configured cloud's Power Automate portal.
	Link          string    `json:"link,omitempty"`
	Shared        bool      `json:"shared"`
	SolutionAware bool      `json:"solutionAware"`
	CreatedAt     time.Time `json:"createdAt,omitzero"`
	ModifiedAt    time.Time `json:"modifiedAt,omitzero"`
}

// Run is one run of a flow.
type Run struct {
	EnvironmentID string `json:"environmentId"`
	FlowID        string `json:"flowId"`
	ID            string `json:"id"`
	// Status is one of the Run* constants, or the upstream value as is.
	Status string `json:"status"`
	// Code is the run-level code (ActionFailed is only a wrapper; see Action).
	Code         string    `json:"code,omitempty"`
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	TriggerName  string    `json:"triggerName,omitempty"`
	StartTime    time.Time `json:"startTime,omitzero"`
	EndTime      time.Time `json:"endTime,omitzero"`
	// Link is the run's page in the configured cloud's Power Automate portal.
	Link string `json:"link,omitempty"`
}

// Finished reports whether the run is over (and so can be resubmitted).
func (r Run) Finished() bool {
	return r.Status == RunSucceeded || r.Status == RunFailed || r.Status == RunCancelled
}

// Action is one action of a run.
type Action struct {
	Name         string    `json:"name"`
	Status       string    `json:"status"`
	Code         string    `json:"code,omitempty"`
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	StartTime    time.Time `json:"startTime,omitzero"`
	EndTime      time.Time `json:"endTime,omitzero"`
}

// RunFilter narrows a run listing. Zero values do not filter.
type RunFilter struct {
	// Status is a run status (Failed, Succeeded, Running, Cancelled).
	Status string `json:"status,omitempty"`
	// Since and Until bound the start time: Since ≤ start < Until.
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// Top is the page size (at most 50).
	Top int `json:"top,omitempty"`
}

// Person is a user as Power Platform names them.
type Person struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Link is a labelled URL.
type Link struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

// Approval is a Power Automate approval request.
type Approval struct {
	EnvironmentID string `json:"environmentId"`
	ID            string `json:"id"`
	Title         string `json:"title"`
	Details       string `json:"details,omitempty"`
	// Status is ApprovalPending or ApprovalCompleted (or the upstream value).
	Status string `json:"status"`
	// Result is the outcome of a completed approval (Approve, Reject, a custom option).
	Result      string    `json:"result,omitempty"`
	Requester   Person    `json:"requester"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	DueAt       time.Time `json:"dueAt,omitzero"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
	// Options are the response options: Approve/Reject or custom labels.
	Options   []string           `json:"options"`
	Approvers []Person           `json:"approvers,omitempty"`
	Responses []ApprovalResponse `json:"responses,omitempty"`
	ItemLinks []Link             `json:"itemLinks,omitempty"`
	// Link is the approval's page in the Power Automate portal.
	Link string `json:"link,omitempty"`
	// AwaitAll means every approver must answer.
	AwaitAll bool `json:"awaitAll"`
	// Role is the caller's role: RoleApprover or RoleOwner.
	Role string `json:"role,omitempty"`
}

// ApprovalResponse is one approver's answer.
type ApprovalResponse struct {
	Responder Person    `json:"responder"`
	Response  string    `json:"response"`
	Comments  string    `json:"comments,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
}

// App is a Power Apps canvas app.
type App struct {
	EnvironmentID string    `json:"environmentId"`
	ID            string    `json:"id"`
	DisplayName   string    `json:"displayName"`
	Owner         Person    `json:"owner"`
	ModifiedAt    time.Time `json:"modifiedAt,omitzero"`
	// Link opens the app.
	Link string `json:"link,omitempty"`
}

// Connection is a user's connection to a connector.
type Connection struct {
	EnvironmentID string `json:"environmentId"`
	ID            string `json:"id"`
	DisplayName   string `json:"displayName"`
	// API is the connector name (shared_office365).
	API string `json:"api"`
	// Status is ConnectionConnected or ConnectionError (or the upstream value).
	Status       string    `json:"status"`
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	CreatedAt    time.Time `json:"createdAt,omitzero"`
}

// Content parts of a run's trigger or action (RunContent.Part).
const (
	ContentInputs  = "inputs"
	ContentOutputs = "outputs"
)

// RunContent is the inputs or outputs of a run's trigger or of one action, as
// read on demand from its content link. Secure content is never read.
type RunContent struct {
	// Action is the action's name, "" for the trigger.
	Action string `json:"action,omitempty"`
	// Part is ContentInputs or ContentOutputs.
	Part string `json:"part"`
	// Secure: the flow marks this part secure (nothing was read).
	Secure bool `json:"secure,omitempty"`
	// None: there is nothing to show (the action did not run, or has not ended).
	None bool `json:"none,omitempty"`
	// Size is the content's size in bytes, -1 when unknown.
	Size int64 `json:"size"`
	// Text is the content (indented when it is JSON), at most the cap.
	Text string `json:"text,omitempty"`
	// Truncated: Text is the first part of a larger content.
	Truncated bool `json:"truncated,omitempty"`
}
