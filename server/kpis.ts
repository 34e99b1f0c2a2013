/**
 * Gathers what the KPIs are computed from (issue #16): each incident's, review's and
 * offboarding's recorded state, read through the workflows' own queries. The workflows are found
 * through Temporal's visibility store and paged through; the figures themselves are computed by
 * the pure functions in contracts/kpi.ts and contracts/kpi-access.ts.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { incidentStateQuery, type IncidentState } from '../contracts/incident.js';
import { DEFAULT_KPI_TARGETS, incidentKpis, type IncidentKpis, type KpiTargets } from '../contracts/kpi.js';
import { offboardingKpis, reviewCampaignKpi, type OffboardingKpis, type ReviewCampaignKpi } from '../contracts/kpi-access.js';
import { offboardingStateQuery, type OffboardingState } from '../contracts/offboarding.js';
import { reviewCampaignStateQuery, type CampaignState, type ReviewerState } from '../contracts/reviews.js';
import { readReviewerState } from './reviewer-state.js';

/** At most this many workflows of one kind are read per request; more are reported as truncated. */
export const KPI_READ_LIMIT = 2000;
const PARALLEL_QUERIES = 8;
/** A workflow whose worker does not answer within this is reported unreadable, never waited for. */
export const QUERY_DEADLINE_MS = 10_000;

export interface KpiRequest {
  readonly since: string;
  readonly until: string;
  readonly asOf: string;
  readonly playbook?: string;
  readonly targets?: KpiTargets;
  /** The server's task queue: only its workflows are read (another queue's have no worker here to answer a query). */
  readonly taskQueue?: string;
}

/** What could not be read, so that figures never silently leave an incident out. */
export interface KpiReadReport {
  readonly read: number;
  readonly unreadable: { readonly workflowId: string; readonly error: string }[];
  readonly truncated: boolean;
}

export interface KpiReport {
  readonly incidents: IncidentKpis & { readonly sources: KpiReadReport };
  readonly reviews: { readonly campaigns: ReviewCampaignKpi[]; readonly excludedDryRuns: number; readonly sources: KpiReadReport };
  readonly offboarding: OffboardingKpis & { readonly sources: KpiReadReport };
  readonly notes: string[];
}

export const KPI_NOTES = [
  'Times are measured from each incident’s recorded times, from its detection (the alert’s observed time, else its acceptance), in whole minutes rounded down.',
  'MTTC is when the last containment step took effect at its peer (or was done by hand); MTTR is recovery, else the resolution.',
  'Dry runs, false positives, merged and cancelled incidents are excluded from the live figures (see excluded).',
  'An incident that has not reached a time is open for that figure; past its target it is listed as a breach in progress.',
];

/** Workflow ids of a visibility query, one per workflow (a continued-as-new incident has several runs), at most KPI_READ_LIMIT. */
async function listIds(client: Client, query: string, taskQueue?: string): Promise<{ ids: string[]; truncated: boolean }> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: taskQueue ? `${query} AND TaskQueue = '${taskQueue}'` : query, pageSize: 200 })) {
    if (ids.has(wf.workflowId)) continue;
    if (ids.size >= KPI_READ_LIMIT) return { ids: [...ids], truncated: true };
    ids.add(wf.workflowId);
  }
  return { ids: [...ids], truncated: false };
}

/** Queries each workflow's latest run, a few at a time; a workflow that cannot be read in time is reported, never dropped silently. */
export async function readStates<T>(
  client: Client,
  ids: readonly string[],
  query: QueryDefinition<T, []> | ((handle: WorkflowHandle) => Promise<T>),
): Promise<{ states: T[]; unreadable: KpiReadReport['unreadable'] }> {
  const read = (id: string): Promise<T> =>
    client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => {
      const handle = client.workflow.getHandle(id);
      return typeof query === 'function' ? query(handle) : handle.query(query);
    });
  const states: T[] = [];
  const unreadable: KpiReadReport['unreadable'] = [];
  for (let i = 0; i < ids.length; i += PARALLEL_QUERIES) {
    const batch = ids.slice(i, i + PARALLEL_QUERIES);
    const results = await Promise.allSettled(batch.map(read));
    results.forEach((r, j) => (r.status === 'fulfilled' ? states.push(r.value) : unreadable.push({ workflowId: batch[j]!, error: (r.reason as Error)?.message ?? String(r.reason) })));
  }
  return { states, unreadable };
}

/**
 * Runs started since the window's start: an incident accepted in the window started its first run
 * then, and a run it continued as new started later still. The pure functions keep those whose
 * recorded request time is in the window.
 */
const startedSince = (type: string, since: string): string => `WorkflowType = '${type}' AND StartTime >= '${since}'`;

export async function incidentStates(client: Client, req: Pick<KpiRequest, 'since' | 'playbook' | 'taskQueue'>): Promise<{ states: IncidentState[]; sources: KpiReadReport }> {
  const query = startedSince('incidentWorkflow', req.since) + (req.playbook ? ` AND WardenPlaybook = '${req.playbook}'` : '');
  const { ids, truncated } = await listIds(client, query, req.taskQueue);
  const { states, unreadable } = await readStates(client, ids, incidentStateQuery);
  return { states, sources: { read: states.length, unreadable, truncated } };
}

async function reviewKpis(client: Client, req: KpiRequest): Promise<KpiReport['reviews']> {
  const { ids, truncated } = await listIds(client, startedSince('reviewCampaignWorkflow', req.since), req.taskQueue);
  const { states, unreadable } = await readStates(client, ids, reviewCampaignStateQuery);
  const inWindow = (c: CampaignState): boolean => c.startedAt >= req.since && c.startedAt < req.until;
  const live = states.filter((c) => inWindow(c) && !c.dryRun);
  const campaigns: ReviewCampaignKpi[] = [];
  for (const c of live) {
    if (!/^[A-Za-z0-9._:-]+$/.test(c.campaignId)) {
      unreadable.push({ workflowId: c.campaignId, error: 'a campaign id with characters a visibility query cannot hold: its reviewers were not read' });
      continue;
    }
    const reviewers = await listIds(client, `WorkflowType = 'reviewerWorkflow' AND WorkflowId STARTS_WITH 'review-${c.campaignId}--reviewer-'`, req.taskQueue);
    const read = await readStates<ReviewerState>(client, reviewers.ids, readReviewerState);
    unreadable.push(...read.unreadable);
    campaigns.push(reviewCampaignKpi(c, read.states));
  }
  return { campaigns, excludedDryRuns: states.filter((c) => inWindow(c) && c.dryRun).length, sources: { read: states.length, unreadable, truncated } };
}

async function offboardingKpisOf(client: Client, req: KpiRequest): Promise<KpiReport['offboarding']> {
  const { ids, truncated } = await listIds(client, startedSince('offboardingWorkflow', req.since), req.taskQueue);
  const { states, unreadable } = await readStates<OffboardingState>(client, ids, offboardingStateQuery);
  return { ...offboardingKpis(states, req), sources: { read: states.length, unreadable, truncated } };
}

/** Every KPI over the window, each from the recorded state of the workflows it is about. */
export async function gatherKpis(client: Client, req: KpiRequest): Promise<KpiReport> {
  const incidents = await incidentStates(client, req);
  const [reviews, offboarding] = await Promise.all([reviewKpis(client, req), offboardingKpisOf(client, req)]);
  return {
    incidents: { ...incidentKpis(incidents.states, { ...req, targets: req.targets ?? DEFAULT_KPI_TARGETS }), sources: incidents.sources },
    reviews,
    offboarding,
    notes: KPI_NOTES,
  };
}
