// Shapes of FlowDeck's tab API (internal/server/tab*.go, internal/ops, internal/flowdeck).

export interface ApiErrorBody {
  code: string;
  message: string;
  detail?: Record<string, string>;
}

export interface Access {
  audience: string;
  name: string;
  granted: boolean;
  code?: string;
  message?: string;
  consentUrl?: string;
}

export interface Me {
  user: { tenantId: string; id: string; name?: string; upn?: string };
  profile: { displayName: string; userPrincipalName: string; mail?: string; jobTitle?: string } | null;
  profileError?: { code: string; message: string };
  access: Access[];
}

export interface Partial {
  environmentId: string;
  name: string;
  message: string;
  code: string;
}

export interface Environment {
  id: string;
  displayName: string;
  location?: string;
  isDefault: boolean;
  sku?: string;
}

export interface Flow {
  environmentId: string;
  id: string;
  displayName: string;
  state: string;
  suspensionReason?: string;
  suspendedAt?: string;
  trigger?: string;
  triggerKind?: string;
  ownerId?: string;
  /** The owner's display name, when the server could read it (Microsoft Graph). */
  ownerName?: string;
  /** The flow's page in the configured cloud's Power Automate portal. */
  link?: string;
  shared: boolean;
  solutionAware: boolean;
  createdAt?: string;
  modifiedAt?: string;
}

export interface FlowRow extends Flow {
  environmentName: string;
  failures?: number;
}

export interface Run {
  environmentId: string;
  flowId: string;
  id: string;
  status: string;
  code?: string;
  errorCode?: string;
  errorMessage?: string;
  triggerName?: string;
  startTime?: string;
  endTime?: string;
  /** The run's page in the configured cloud's Power Automate portal. */
  link?: string;
}

export interface Action {
  name: string;
  status: string;
  code?: string;
  errorCode?: string;
  errorMessage?: string;
  startTime?: string;
  endTime?: string;
}

export interface Person {
  id: string;
  name?: string;
  email?: string;
}

export interface ApprovalResponse {
  responder: Person;
  response: string;
  comments?: string;
  createdAt?: string;
}

export interface Approval {
  environmentId: string;
  id: string;
  title: string;
  details?: string;
  status: string;
  result?: string;
  requester: Person;
  createdAt?: string;
  dueAt?: string;
  completedAt?: string;
  options: string[];
  approvers?: Person[];
  responses?: ApprovalResponse[];
  itemLinks?: { title?: string; url: string }[];
  link?: string;
  awaitAll: boolean;
  role?: string;
}

export interface Connection {
  environmentId: string;
  id: string;
  displayName: string;
  api: string;
  status: string;
  errorCode?: string;
  errorMessage?: string;
  createdAt?: string;
}

export interface App {
  environmentId: string;
  id: string;
  displayName: string;
  owner: Person;
  modifiedAt?: string;
  link?: string;
}

export interface FailingFlow {
  flow: Flow;
  environmentName: string;
  count: number;
  more: boolean;
  latest: Run;
  failedAction?: Action;
  trend: number[];
}

export interface Dashboard {
  window: string;
  since: string;
  failing: FailingFlow[];
  off: Flow[] | null;
  brokenConnections: Connection[] | null;
  pendingApprovals: Approval[] | null;
  partial?: Partial[];
  /** When the query that gathered it started (RFC 3339). */
  asOf: string;
  /** Kept from an earlier query rather than asked now. */
  fromSnapshot: boolean;
}

/** One line of GET /api/dashboard/live (NDJSON). */
export interface DashboardEvent {
  kind: "snapshot" | "failing" | "done" | "error";
  dashboard?: Dashboard;
  failing?: FailingFlow;
  error?: { code: string; message: string; detail?: Record<string, string> };
}

export interface FlowList {
  items: FlowRow[];
  total: number;
  partial?: Partial[];
  /** When the failures were gathered (RFC 3339): the dashboard of the window's asOf. */
  asOf?: string;
  /** The failures (or, with snapshot=true, the flows) were kept from an earlier query rather than asked now. */
  fromSnapshot?: boolean;
}

export interface RunPage {
  runs: Run[];
  next?: string;
}

export interface RunDetail {
  run: Run;
  actions: Action[];
  failedAction?: Action;
  portalUrl: string;
}

/** RunContent is a trigger's or action's inputs or outputs (GET …/runs/:run/content). */
export interface RunContent {
  action?: string;
  part: "inputs" | "outputs";
  secure?: boolean;
  none?: boolean;
  size: number;
  text?: string;
  truncated?: boolean;
}

export interface RunResult {
  runId: string;
  ok: boolean;
  code?: string;
  message?: string;
}

export interface Settings {
  timeZone: string;
  digestTime: string;
  quietStart: string;
  quietEnd: string;
  /** where failure alerts and new approvals arrive ("" is chat) */
  delivery: "" | "chat" | "feed" | "both";
}

/** Delivery is where failure alerts and new approvals arrive ("" is chat). */
export type Delivery = Settings["delivery"];

export interface Watch {
  id: string;
  target: string;
  environmentId?: string;
  flowId?: string;
  flowName?: string;
}

// The envelopes of the list routes. internal/server/contract_test.go checks
// every type here against the API's real answers.

export interface EnvironmentList {
  environments: Environment[];
}

export interface ConnectionList {
  connections: Connection[];
  partial?: Partial[];
}

export interface AppList {
  apps: App[];
  partial?: Partial[];
}

export interface ApprovalList {
  approvals: Approval[];
  partial?: Partial[];
}

/** GET /api/chat: whether FlowDeck reaches the user in their personal chat, and the deep link to it when not. */
export interface ChatInvite {
  inChat: boolean;
  installed?: boolean;
  link?: string;
}

export interface SettingsView {
  settings: Settings;
  watches: Watch[] | null;
}

/** BulkJob is a bulk action on a flow's runs, worked on server-side (POST /api/jobs). */
export interface BulkJob {
  id: string;
  kind: "resubmit" | "cancel";
  /** selection: the runs the user selected; failed: every failed run started in since..until. */
  scope: "selection" | "failed";
  environmentId: string;
  flowId: string;
  flowName: string;
  since?: string;
  until?: string;
  retryOf?: string;
  /** paused: the user must sign in again, then resume it (POST /api/jobs/{id}/resume); message says so. */
  state: "resolving" | "running" | "paused" | "done";
  /** The job found more failed runs than one job takes, and left the oldest out. */
  capped: boolean;
  /** Why the job ended without its runs, or why it is paused and what to do. */
  message?: string;
  createdAt: string;
  updatedAt: string;
  total: number;
  done: number;
  ok: number;
  failed: number;
  unknown: number;
}

/** BulkItem is one run of a bulk job and its result. */
export interface BulkItem {
  runId: string;
  start: string;
  status: string;
  state: "pending" | "working" | "ok" | "failed" | "unknown";
  code?: string;
  message?: string;
  updatedAt: string;
}

/** JobView is GET /api/jobs/:id. */
export interface JobView {
  job: BulkJob;
  items: BulkItem[];
}

/** JobList is GET /api/jobs: the user's recent jobs, newest first. */
export interface JobList {
  jobs: BulkJob[];
}
