package powerplatform

import (
	"fmt"
	"strings"
	"time"
)

// connectorInfo describes a connector for connection references.
type connectorInfo struct {
	DisplayName string
	Tier        string
}

func (connectorInfo) icon(conn string) string {
	return "https://connectoricons-prod.azureedge.net/releases/v1.0.1705/1.0.1705.3833/" + strings.TrimPrefix(conn, "shared_") + "/icon.png"
}

var connectors = map[string]connectorInfo{
	"shared_office365":                {"Office 365 Outlook", "Standard"},
	"shared_sharepointonline":         {"SharePoint", "Standard"},
	"shared_commondataserviceforapps": {"Microsoft Dataverse", "Premium"},
	"shared_approvals":                {"Approvals", "Standard"},
	"shared_teams":                    {"Microsoft Teams", "Standard"},
	"shared_onedriveforbusiness":      {"OneDrive for Business", "Standard"},
	"shared_excelonlinebusiness":      {"Excel Online (Business)", "Standard"},
	"shared_planner":                  {"Planner", "Standard"},
	"shared_microsoftforms":           {"Microsoft Forms", "Standard"},
	"shared_office365users":           {"Office 365 Users", "Standard"},
	"shared_flowpush":                 {"Notifications", "Standard"},
	"shared_sql":                      {"SQL Server", "Premium"},
}

// connectorOf returns the connector's info (a plain one for unknown names).
func connectorOf(name string) connectorInfo {
	if c, ok := connectors[name]; ok {
		return c
	}
	return connectorInfo{DisplayName: strings.TrimPrefix(name, "shared_"), Tier: "Standard"}
}

var departments = []string{"Finance", "HR", "Sales", "Marketing", "Operations", "IT", "Legal", "Procurement"}

// Typical triggers.
var (
	trigRecurrenceHourly = Trigger{Name: "Recurrence", Type: "Recurrence", Interval: time.Hour}
	trigRecurrenceDaily  = Trigger{Name: "Recurrence", Type: "Recurrence", Interval: 24 * time.Hour}
	trigButton           = Trigger{Name: "manual", Type: "Request", Kind: "Button", Interval: 5 * time.Hour}
	trigHTTP             = Trigger{Name: "manual", Type: "Request", Kind: "Http", Interval: 40 * time.Minute}
	trigNewItem          = Trigger{Name: "When_an_item_is_created", Type: "OpenApiConnection", Connector: "shared_sharepointonline", OperationID: "GetOnNewItems", Interval: 2 * time.Hour}
	trigNewEmail         = Trigger{Name: "When_a_new_email_arrives_(V3)", Type: "OpenApiConnectionNotification", Connector: "shared_office365", OperationID: "OnNewEmailV3", Interval: 90 * time.Minute}
	trigNewRow           = Trigger{Name: "When_a_row_is_added,_modified_or_deleted", Type: "OpenApiConnectionWebhook", Connector: "shared_commondataserviceforapps", OperationID: "SubscribeWebhookTrigger", Interval: 3 * time.Hour}
	trigNewResponse      = Trigger{Name: "When_a_new_response_is_submitted", Type: "OpenApiConnectionWebhook", Connector: "shared_microsoftforms", OperationID: "CreateFormWebhook", Interval: 4 * time.Hour}
	trigNewTask          = Trigger{Name: "When_a_new_task_is_created", Type: "OpenApiConnection", Connector: "shared_planner", OperationID: "OnNewTaskV2", Interval: 3 * time.Hour}
)

func act(name, typ, conn, op string) Action {
	return Action{Name: name, Type: typ, Connector: conn, OperationID: op}
}

// Typical actions.
var (
	aGetItems   = act("Get_items", "OpenApiConnection", "shared_sharepointonline", "GetItems")
	aGetItem    = act("Get_item", "OpenApiConnection", "shared_sharepointonline", "GetItem")
	aUpdateItem = act("Update_item", "OpenApiConnection", "shared_sharepointonline", "PatchItem")
	aCreateItem = act("Create_item", "OpenApiConnection", "shared_sharepointonline", "PostItem")
	aApproval   = act("Start_and_wait_for_an_approval", "OpenApiConnectionWebhook", "shared_approvals", "StartAndWaitForAnApproval")
	aCondition  = act("Condition", "If", "", "")
	aSendEmail  = act("Send_an_email_(V2)", "OpenApiConnection", "shared_office365", "SendEmailV2")
	aApplyEach  = act("Apply_to_each", "Foreach", "", "")
	aAddRow     = act("Add_a_new_row", "OpenApiConnection", "shared_commondataserviceforapps", "CreateRecord")
	aListRows   = act("List_rows", "OpenApiConnection", "shared_commondataserviceforapps", "ListRecords")
	aHTMLTable  = act("Create_HTML_table", "Table", "", "")
	aCompose    = act("Compose", "Compose", "", "")
	aPostTeams  = act("Post_message_in_a_chat_or_channel", "OpenApiConnection", "shared_teams", "PostMessageToConversation")
	aCreateFile = act("Create_file", "OpenApiConnection", "shared_onedriveforbusiness", "CreateFile")
	aParseJSON  = act("Parse_JSON", "ParseJson", "", "")
	aExcelRow   = act("Add_a_row_into_a_table", "OpenApiConnection", "shared_excelonlinebusiness", "AddRowV2")
	aResponse   = act("Response", "Response", "", "")
	aHTTP       = act("HTTP", "Http", "", "")
	aFormResp   = act("Get_response_details", "OpenApiConnection", "shared_microsoftforms", "GetFormResponseById")
	aGetManager = act("Get_manager_(V2)", "OpenApiConnection", "shared_office365users", "Manager_V2")
	aInitVar    = act("Initialize_variable", "InitializeVariable", "", "")
)

// Failure kinds, each for a given action name.
func failUnauthorized(action, conn string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "Unauthorized", ActionMessage: fmt.Sprintf("Failed to refresh access token for service: %s. Correlation Id=g-7f3c1e2a9b7d4c0e, UTC TimeStamp=2/25/2026 6:14:05 AM, Error: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2025-11-20T08:12:44.1120000Z and was inactive for 90.00:00:00.", strings.TrimPrefix(conn, "shared_"))}
}

func failBadGateway(action string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "BadGateway", ActionMessage: "BadGateway: The gateway did not receive a response from 'Microsoft.PowerApps' within the specified time period."}
}

func failThrottled(action string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "Throttled", ActionMessage: "Rate limit is exceeded. Try again in 24 seconds."}
}

func failNotFound(action, list string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "NotFound", ActionMessage: fmt.Sprintf("List '%s' not found.", list)}
}

func failInvalidTemplate(action string) Failure {
	msg := fmt.Sprintf("Unable to process template language expressions in action '%s' inputs at line '0' and column '0': 'The template language function 'split' expects its first parameter to be of type string. The provided value is of type 'Null'. Please see https://aka.ms/logicexpressions#split for usage details.'.", action)
	return Failure{Code: "InvalidTemplate", Message: msg, Action: action, ActionCode: "InvalidTemplate", ActionMessage: msg}
}

func failExpression(action, source string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "ExpressionEvaluationFailed", ActionMessage: fmt.Sprintf("The execution of template action '%s' failed: the result of the evaluation of 'foreach' expression '@outputs('%s')?['body/value']' is of type 'Null'. The result must be a valid array.", action, source)}
}

func failDataverse(action string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "BadRequest", ActionMessage: "The entity 'account' does not contain attribute with Name = 'cr6f1_region' and NameMapping = 'Logical'."}
}

func failForbidden(action string) Failure {
	return Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.", Action: action,
		ActionCode: "Forbidden", ActionMessage: "Access denied. You do not have permission to perform this action or access this resource."}
}

// flowTemplate is a kind of flow the generator makes.
type flowTemplate struct {
	name     string // may hold %s for a department
	trigger  Trigger
	actions  []Action
	failures []Failure
	duration time.Duration
}

var flowTemplates = []flowTemplate{
	{"Invoice approval – %s", trigNewItem, []Action{aGetItem, aApproval, aCondition, aUpdateItem, aSendEmail},
		[]Failure{failUnauthorized("Get_item", "shared_sharepointonline"), failNotFound("Get_item", "Invoices"), failBadGateway("Update_item")}, 90 * time.Second},
	{"Sync SharePoint list to Dataverse", trigRecurrenceHourly, []Action{aGetItems, aApplyEach, aAddRow},
		[]Failure{failExpression("Apply_to_each", "Get_items"), failThrottled("Add_a_new_row"), failDataverse("Add_a_new_row")}, 4 * time.Minute},
	{"Daily %s report", trigRecurrenceDaily, []Action{aListRows, aHTMLTable, aSendEmail},
		[]Failure{failThrottled("List_rows"), failUnauthorized("Send_an_email_(V2)", "shared_office365")}, 40 * time.Second},
	{"Notify %s team on new Planner task", trigNewTask, []Action{aGetManager, aPostTeams},
		[]Failure{failForbidden("Post_message_in_a_chat_or_channel"), failBadGateway("Get_manager_(V2)")}, 8 * time.Second},
	{"Save email attachments to OneDrive", trigNewEmail, []Action{aApplyEach, aCreateFile},
		[]Failure{failUnauthorized("Create_file", "shared_onedriveforbusiness"), failThrottled("Create_file")}, 15 * time.Second},
	{"Order intake webhook", trigHTTP, []Action{aParseJSON, aExcelRow, aResponse},
		[]Failure{failInvalidTemplate("Parse_JSON"), failBadGateway("Add_a_row_into_a_table")}, 3 * time.Second},
	{"Request time off", trigButton, []Action{aGetManager, aApproval, aCondition, aSendEmail},
		[]Failure{failBadGateway("Get_manager_(V2)"), failUnauthorized("Send_an_email_(V2)", "shared_office365")}, 2 * time.Minute},
	{"Welcome new hires – %s", trigNewRow, []Action{aInitVar, aSendEmail, aCreateItem},
		[]Failure{failInvalidTemplate("Initialize_variable"), failNotFound("Create_item", "Onboarding")}, 12 * time.Second},
	{"Archive Teams channel messages", trigRecurrenceDaily, []Action{aHTTP, aCompose, aCreateFile},
		[]Failure{failForbidden("HTTP"), failInvalidTemplate("Compose")}, 6 * time.Minute},
	{"Expense report approval – %s", trigNewItem, []Action{aGetItem, aApproval, aCondition, aUpdateItem},
		[]Failure{failNotFound("Get_item", "Expense Reports"), failUnauthorized("Update_item", "shared_sharepointonline")}, 75 * time.Second},
	{"Copy Forms responses to Excel", trigNewResponse, []Action{aFormResp, aExcelRow},
		[]Failure{failThrottled("Add_a_row_into_a_table"), failBadGateway("Get_response_details")}, 5 * time.Second},
	{"Escalate overdue %s tickets", trigRecurrenceHourly, []Action{aListRows, aApplyEach, aPostTeams},
		[]Failure{failExpression("Apply_to_each", "List_rows"), failForbidden("Post_message_in_a_chat_or_channel")}, 50 * time.Second},
}

var approvalTitles = []string{
	"Approve invoice INV-%d (€%d)",
	"Expense report EXP-%d: €%d",
	"Time off request #%d (%d days)",
	"Purchase order PO-%d – €%d",
	"Contract review CR-%d (%d pages)",
	"Travel request TR-%d (€%d)",
	"Publish campaign brief #%d (budget €%d)",
}

var customOptions = [][]string{
	{"Yes", "No", "Need info"},
	{"Approve", "Reject", "Escalate"},
	{"Accept", "Decline", "Tentative"},
}

var approvalComments = []string{"Looks good", "Approved, thanks", "Please attach the receipt", "Over budget this quarter", "", "OK for me", "Discussed with finance"}

var appNames = []string{"Request-a-team", "Expense Tracker", "Asset Checkout", "Site Inspection", "Help Desk", "Leave Planner", "Visitor Registration", "Budget Review"}

var connectionErrors = []struct{ target, code, message string }{
	{"token", "Unauthorized", "Failed to refresh access token for service: sharepointonline. Correlation Id=g-2b8e41f0c3a94d17, UTC TimeStamp=2/24/2026 9:02:11 AM, Error: AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed."},
	{"token", "Unauthorized", "Failed to refresh access token for service: office365. Correlation Id=g-9d04c7e1a65b2f38, UTC TimeStamp=2/23/2026 4:41:50 PM, Error: AADSTS700082: The refresh token has expired due to inactivity."},
}
