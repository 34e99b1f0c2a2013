/**
 * The JSON bodies the API answers with, by name: each route declares which one it sends for each
 * status (Route.responses), the compiler holds its handler to that type (the route's `send`), and
 * server/openapi.json's responses and component schemas are generated from these types
 * (server/routes/openapi-responses.ts, `npm run openapi`). The names are the document's component names.
 * Types only: the workflows' contracts are the source wherever a body is their state.
 */
import type { ApprovalRecord, IncidentState, IncidentStatus, StepStatus } from '../contracts/incident.js';
import type { AuditRecord } from '../contracts/audit.js';
import type { AuditProblem } from '../contracts/audit-verify.js';
import type { InventoryView } from '../contracts/inventory-view.js';
import type { OffboardingApproval, OffboardingItem, OffboardingPhase, OffboardingState } from '../contracts/offboarding.js';
import type { CampaignState, ReviewDecideResult, ReviewerState } from '../contracts/reviews.js';
import type { ReviewerStatePage } from '../contracts/reviewer-page.js';
import type { OffboardingReport } from '../activities/offboarding/render/report.js';
import type { HealthReport } from './health.js';
import type { IngestResult, NothingToJoin } from './intake/ingest.js';
import type { ErrorBody } from './http-json.js';
import type { KpiReport } from './kpis.js';

/** One thing waiting for the caller's decision. */
export type PendingApproval =
  | {
      readonly kind: 'incident-step';
      readonly incidentId: string;
      readonly title: string;
      readonly stepId: string;
      readonly action: string;
      readonly deadline: string;
      readonly planDigest?: string;
      readonly may: readonly ('approve' | 'reject')[];
      readonly command: string;
    }
  | { readonly kind: 'offboarding'; readonly personId: string; readonly requestedBy: string; readonly reason: string; readonly effectiveAt?: string; readonly command: string }
  | { readonly kind: 'review-approval'; readonly campaignId: string; readonly group: string; readonly command: string }
  | { readonly kind: 'review-items'; readonly campaignId: string; readonly reviewer: string; readonly open: number; readonly deadline: string; readonly command: string };

/** One reviewer's progress: counts only, never the items (GET /v1/reviews/{id}/reviewers/{reviewer} has those). */
export interface ReviewerProgress {
  readonly reviewer: string;
  readonly status: string;
  readonly phase?: string;
  readonly items?: number;
  readonly decided?: number;
  readonly deadline?: string;
  readonly escalatedTo?: string;
  /** The reviewer's workflow could not be read (said why), never left out. */
  readonly error?: string;
}

/** One offboarding as visibility lists it: who, its workflow's status and times, and whether it was a dry run (from the memo set at start). */
export interface OffboardingListEntry {
  readonly person: string;
  readonly workflowId: string;
  readonly status: string;
  readonly dryRun?: boolean;
  readonly startTime: string;
  readonly closeTime?: string;
}

/** One incident as visibility lists it: its search attributes, and its title and dry-run flag from the memo set at intake. */
export interface IncidentSummary {
  readonly incidentId: string;
  /** Incidents opened before the memo carried a title show none. */
  readonly title?: string;
  readonly dryRun: boolean;
  readonly workflowId: string;
  readonly status?: string;
  readonly severity?: string;
  readonly playbook?: string;
  readonly phase?: string;
  readonly startTime: string;
  readonly closeTime?: string;
}

/** Who a token or session is: its identity, roles and groups, and its person in the directory. */
export interface WhoAmI {
  readonly id: string;
  readonly name?: string;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly person: { readonly id: string; readonly name: string; readonly email: string } | null;
}

/** The effective configuration with every secret masked (server/config-view.ts). */
export interface ConfigView {
  readonly [key: string]: unknown;
}

/** An alert recorded on an incident, with how many secrets were redacted from it. */
export type AlertAccepted = IngestResult & { readonly redactions: number };
/** A sender's batch: the alerts recorded, and why each other one was not. */
export interface AdapterAccepted {
  readonly accepted: readonly AlertAccepted[];
  readonly skipped: readonly { readonly reason: string }[];
}
/** A delivery id seen before: nothing was signalled. */
export interface DuplicateDelivery {
  readonly result: 'duplicate delivery, ignored';
  readonly delivery: string;
}

/** A payload in the remote-codec protocol's JSON: metadata and data, base64. */
export interface CodecPayload {
  readonly metadata: Record<string, string>;
  readonly data: string;
}

/** A console session: who is logged in, and the CSRF token its changes must carry. */
export interface ConsoleSession {
  readonly id: string;
  readonly name?: string;
  /** The directory's person of the identity, when it has one. */
  readonly person?: string;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly csrf: string;
}

export interface ApiResponses {
  Error: ErrorBody;
  AlertAccepted: AlertAccepted;
  /** Nothing started or changed: a follow-up or resolution with no open incident, or a delivery seen before. */
  AlertNotRecorded: NothingToJoin | DuplicateDelivery | AdapterAccepted;
  AdapterAccepted: AdapterAccepted;
  /** No alert of the batch was recorded (each skipped, with why), or the delivery was seen before. */
  AdapterNotRecorded: AdapterAccepted | DuplicateDelivery;
  CodecPayloads: { readonly payloads: readonly CodecPayload[] };
  Health: HealthReport & { readonly status: 'ok' | 'unavailable' };
  IncidentList: { readonly incidents: readonly IncidentSummary[] };
  IncidentState: IncidentState;
  ApprovalAnswer: { readonly stepId: string; readonly approval: ApprovalRecord };
  CancelAnswer: { readonly status: IncidentStatus; readonly rollback: boolean };
  StepActionAnswer: { readonly stepId: string; readonly action: 'retry' | 'done_by_hand' | 'skip'; readonly status: StepStatus };
  IncidentStatusAnswer: { readonly status: IncidentStatus };
  /** How many notes the incident has; `afterClose` when it went to the post-incident notes of an incident that is over. */
  NoteAnswer: { readonly notes: number; readonly afterClose?: true };
  Acknowledged: { readonly acknowledged: NonNullable<IncidentState['acknowledged']>; readonly mttaMs: number | null };
  Merged: { readonly status: 'merged'; readonly mergedInto: string; readonly targetAlerts: number };
  PlaybookStarted: { readonly status: IncidentStatus; readonly playbook: string; readonly version: number };
  Approvals: { readonly caller: string; readonly approvals: readonly PendingApproval[] };
  Audit: { readonly verified: boolean; readonly problem?: AuditProblem; readonly total: number; readonly records: readonly AuditRecord[] };
  KpiReport: KpiReport;
  InventoryView: Extract<InventoryView, { state: 'scanned' }>;
  InventoryNotScanned: { readonly error: string; readonly state: 'no scan yet' };
  OffboardingStarted: { readonly workflowId: string; readonly person: string; readonly joined: boolean; readonly dryRun: boolean; readonly approvalRequired: boolean; readonly rescheduledTo?: string };
  OffboardingReport: OffboardingReport;
  OffboardingList: { readonly offboardings: readonly OffboardingListEntry[] };
  OffboardingState: OffboardingState;
  OffboardingApprovalAnswer: { readonly approval: OffboardingApproval };
  OffboardingLegalHoldAnswer: { readonly legalHold: OffboardingState['legalHold'] };
  OffboardingRetryAnswer: { readonly retrying: readonly string[] };
  OffboardingWaiveAnswer: { readonly item: OffboardingItem };
  OffboardingCancelAnswer: { readonly phase: OffboardingPhase };
  CampaignStarted: { readonly id: string; readonly workflow_id: string };
  CampaignState: CampaignState;
  ReviewerList: { readonly campaignId: string; readonly offset: number; readonly limit: number; readonly reviewers: readonly ReviewerProgress[] };
  /** The whole state, or a page of its items when ?offset= or ?limit= asks for one. */
  ReviewerView: ReviewerState | ReviewerStatePage;
  ReviewDecisionsAnswer: ReviewDecideResult & { readonly reviewer: string; readonly by: string };
  ReviewApprovalAnswer: { readonly approval: NonNullable<CampaignState['approval']> };
  ConfigView: ConfigView;
  ConfigReloaded: { readonly reloaded: true; readonly path: string | null; readonly sha256: string | null; readonly identities: number; readonly people: number };
  WhoAmI: WhoAmI;
  ConsoleSession: ConsoleSession;
  LoggedOut: { readonly loggedOut: true };
  /** How one may log in to the console: single sign-on (its issuer's host), a login link, an API token. */
  LoginMethods: { readonly oidc: { readonly issuer: string } | null; readonly loginLink: true; readonly token: true };
}
