/**
 * A person's triage of an incident: acknowledge it (any open incident; the first one is MTTA), and,
 * once it waits for its resolution, mark it a false positive, merge it into another incident, or
 * (a triage incident only) start a playbook in it. Names here are part of recorded histories: never rename one.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { ResolvedPlaybook } from '../engine/playbook-types.js';
import type { Alert, IncidentState, IncidentStatus } from './incident.js';

/** The playbook of alerts no other playbook matches: it waits for a person's triage. */
export const TRIAGE_PLAYBOOK = 'triage';

/** The statuses an incident ends in: nothing may act on it any more. */
export const ENDED_STATUSES: ReadonlySet<IncidentStatus> = new Set(['closed', 'cancelled', 'failed', 'planned', 'false_positive', 'merged']);

export interface AcknowledgeRequest {
  /** The person, from their token: never from the request body. */
  readonly by: string;
}

export type TriageRequest =
  | { readonly action: 'false_positive'; readonly by: string; readonly reason: string }
  | { readonly action: 'merge'; readonly by: string; readonly mergeInto: string; readonly reason?: string }
  /** The server resolves the playbook in its loaded catalog, as the intake does at ingest. */
  | { readonly action: 'start_playbook'; readonly by: string; readonly playbook: ResolvedPlaybook; readonly playbookSha256: string; readonly reason?: string };

export type TriageAction = TriageRequest['action'];

/** What the target of a merge receives: the merged incident's alerts. */
export interface MergeInRequest {
  readonly by: string;
  readonly from: string;
  readonly alerts: readonly Alert[];
}

/** A person acknowledges the incident; returns the first acknowledgement (who and when). */
export const acknowledgeUpdate = defineUpdate<NonNullable<IncidentState['acknowledged']>, [AcknowledgeRequest]>('incident.acknowledge');
/** A person's triage: false positive, merge into another incident, or start a playbook in a triage incident; returns the status. */
export const triageUpdate = defineUpdate<IncidentStatus, [TriageRequest]>('incident.triage');
/** The target of a merge takes the merged incident's alerts (once per merged incident); returns its alert count. */
export const mergeInUpdate = defineUpdate<number, [MergeInRequest]>('incident.merge-in');

/** MTTA in milliseconds: the first acknowledgement after detection, or undefined before one. */
export function mttaMs(state: Pick<IncidentState, 'times'>): number | undefined {
  const { detectedAt, acknowledgedAt } = state.times;
  if (!acknowledgedAt) return undefined;
  const ms = Date.parse(acknowledgedAt) - Date.parse(detectedAt);
  return Number.isFinite(ms) ? ms : undefined;
}
