package powerplatform

import (
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Flow states (properties.state).
const (
	StateStarted   = "Started"
	StateStopped   = "Stopped"
	StateSuspended = "Suspended"
)

// Suspension reasons (properties.flowSuspensionReason) the fake emits.
const (
	SuspensionNone                  = "None"
	SuspensionAlwaysFailingDetected = "AlwaysFailingDetected"
	SuspensionCompanyDlpViolation   = "CompanyDlpViolation"
)

// Run statuses.
const (
	RunRunning   = "Running"
	RunSucceeded = "Succeeded"
	RunFailed    = "Failed"
	RunCancelled = "Cancelled"
)

// Approval types (properties.type): first to respond or everyone must respond,
// with Approve/Reject or custom response options.
const (
	ApprovalBasic          = "Basic"
	ApprovalBasicAwaitAll  = "BasicAwaitAll"
	ApprovalCustom         = "Custom"
	ApprovalCustomAwaitAll = "CustomAwaitAll"
)

// Approval statuses (properties.status).
const (
	ApprovalPending   = "Pending"
	ApprovalCompleted = "Completed"
)

// Connection statuses (properties.statuses[0].status).
const (
	ConnectionConnected = "Connected"
	ConnectionError     = "Error"
)

// Tenant is the Power Platform content the fake serves. It may hold the data of
// several Entra tenants: every environment names its tenant, and a caller sees
// only the environments of the tenant in its token. After New the Server owns
// the Tenant and its values; read them through the API or the Server helpers.
type Tenant struct {
	// Users is the directory used to render owners and approvers.
	Users        []demo.User
	Environments []*Environment
	Flows        []*Flow
	Approvals    []*Approval
	Apps         []*App
	Connections  []*Connection
}

// Environment is a Power Platform environment.
type Environment struct {
	// Name is "Default-<tenant id>" for the default environment, else a GUID.
	Name        string
	TenantID    string
	DisplayName string
	// SKU is Default, Production, Sandbox, Trial or Developer.
	SKU       string
	Location  string
	IsDefault bool
	// InstanceURL is the linked Dataverse org URL.
	InstanceURL string
	Created     time.Time
}

// Trigger describes a flow's trigger.
type Trigger struct {
	// Name is the trigger's name in the definition (and in runs), e.g. "Recurrence".
	Name string
	// Type and Kind as in the definition: Recurrence, Request/Button, Request/Http, OpenApiConnection.
	Type string
	Kind string
	// Connector is the api name (shared_sharepointonline) for connector triggers.
	Connector   string
	OperationID string
	// Interval is the typical time between two runs.
	Interval time.Duration
}

// Action is one action of a flow definition, in run order.
type Action struct {
	Name        string
	Type        string
	Connector   string
	OperationID string
	// Secure lists the parts ("inputs", "outputs") the definition keeps
	// secure: runtimeConfiguration.secureData.properties.
	Secure []string
	// OutputBytes, when set, makes the action's outputs body that large.
	OutputBytes int
}

// Failure is why a run failed: the run-level code and error, and the failing
// action with its own code and message.
type Failure struct {
	// Code is the run-level code (ActionFailed, InvalidTemplate, …).
	Code    string
	Message string
	// Action is the failing action's name; ActionCode and ActionMessage its error.
	Action        string
	ActionCode    string
	ActionMessage string
}

// Flow is a cloud flow and its run history.
type Flow struct {
	Name        string
	Environment string
	DisplayName string
	OwnerID     string
	// SharedWith lists co-owners' object ids; a flow with co-owners is a team flow.
	SharedWith []string
	// Solution marks a solution-aware flow (listed only with include=includeSolutionCloudFlows).
	Solution         bool
	State            string
	SuspensionReason string
	SuspensionTime   time.Time
	// DLPPolicy, when set, names the data loss prevention policy that blocks
	// the flow's connectors: turning it on is refused (403 DlpViolation).
	DLPPolicy string
	Trigger   Trigger
	Actions   []Action
	// FailRate is the share of failed runs; a flow with FailRate ≥ 0.5 also
	// fails when resubmitted, with Failure.
	FailRate float64
	Failure  Failure
	// Duration is how long a run takes.
	Duration time.Duration
	Created  time.Time
	Modified time.Time
	// Runs is the run history, sorted by StartTime then Name, oldest first.
	Runs []*Run
}

// Run is one run of a flow.
type Run struct {
	Name      string
	StartTime time.Time
	// EndTime is zero while the run is Running.
	EndTime time.Time
	Status  string
	// Failure is set for failed runs.
	Failure *Failure
	// PlannedEnd and PlannedStatus complete a Running run once the clock
	// passes PlannedEnd; a zero PlannedEnd waits for cancel or CompleteRuns.
	PlannedEnd    time.Time
	PlannedStatus string
	// Resubmitted is the original run's name when this run is a resubmission.
	Resubmitted string
}

// Approval is a Power Automate approval.
type Approval struct {
	Name        string
	Environment string
	Title       string
	Details     string
	// Type is Basic, BasicAwaitAll, Custom or CustomAwaitAll.
	Type      string
	OwnerID   string
	Approvers []string
	// Options are the response options: Approve/Reject or the custom labels.
	// A custom approval without options plays one whose options a client
	// cannot find (AddApproval gives basic ones Approve/Reject).
	Options    []string
	Priority   string
	Created    time.Time
	Expiration time.Time
	Status     string
	Result     string
	Completed  time.Time
	Responses  []*ApprovalResponse
}

// ApprovalResponse is one approver's answer.
type ApprovalResponse struct {
	Name     string
	UserID   string
	Response string
	Comments string
	Created  time.Time
}

// App is a canvas app.
type App struct {
	Name        string
	Environment string
	DisplayName string
	Description string
	OwnerID     string
	SharedWith  []string
	Created     time.Time
	Modified    time.Time
	Connectors  []string
}

// Connection is a user's connection to a connector.
type Connection struct {
	Name        string
	Environment string
	// Connector is the api name, e.g. shared_office365.
	Connector string
	OwnerID   string
	// Status is Connected or Error; ErrorCode and ErrorMessage describe an Error.
	Status       string
	ErrorTarget  string
	ErrorCode    string
	ErrorMessage string
	Created      time.Time
	Modified     time.Time
}
