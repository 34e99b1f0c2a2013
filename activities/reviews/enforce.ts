import { Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EnforcementRecord, ReviewItem } from '../../contracts/review-types.js';
import { createActionActivities } from '../run-action.js';
import type { Person } from '../../contracts/directory.js';
import type { ReviewContext } from './context.js';

/** The provider action that revokes one item, with its parameters; undefined when none can. */
export function revocationOf(item: ReviewItem, viaRole = false): { action: string; params: Record<string, unknown> } | undefined {
  const aws = (params: Record<string, unknown>) => (viaRole ? { ...params, account: item.account } : params);
  const userName = item.subject;
  const login = item.subject;
  switch (item.kind) {
    case 'iam-group':
      return { action: 'aws.removeFromGroups', params: aws({ userName, groups: [item.resource] }) };
    case 'iam-managed-policy':
      return { action: 'aws.detachUserPolicies', params: aws({ userName, policyArns: [item.resource] }) };
    case 'iam-inline-policy':
      return { action: 'aws.deleteInlinePolicies', params: aws({ userName, policyNames: [item.resource] }) };
    case 'iam-access-key':
      return { action: 'aws.deleteAccessKey', params: aws({ userName, accessKeyId: item.resource }) };
    case 'iam-login-profile':
      return { action: 'aws.deleteLoginProfile', params: aws({ userName }) };
    case 'github-org-membership':
      return { action: 'github.removeOrgMember', params: { login } };
    case 'github-team':
      return { action: 'github.removeTeamMember', params: { login, team: item.resource } };
    case 'github-repo':
      return { action: 'github.removeRepoCollaborator', params: { login, repo: item.resource } };
    case 'github-outside-collaborator':
      return { action: 'github.removeOutsideCollaborator', params: { login } };
    case 'github-pat-grant':
      return { action: 'github.revokePatGrants', params: { login, grantIds: [Number(item.resource)] } };
    case 'synthetic-grant':
    case 'inventory-access': // an asset-level grant: revoked by hand (or through the policy it comes from)
      return undefined;
  }
}

/** An orphaned account as a person of its own, so an offboarding can revoke all it holds. */
export function orphanPerson(item: ReviewItem): Person {
  const id = `orphan-${item.system}-${item.account}-${item.subject}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return {
    id,
    name: `${item.subject} (orphaned ${item.system} account)`,
    email: '',
    aws: item.system === 'aws' ? [{ account: item.account, userName: item.subject }] : [],
    ...(item.system === 'github' ? { githubLogin: item.subject } : {}),
    groups: [],
    roles: [],
  };
}

export interface EnforceInput {
  readonly campaignId: string;
  readonly dryRun: boolean;
  readonly offset: number;
  readonly limit: number;
  readonly offboardOrphans: boolean;
}

export interface EnforceResult {
  readonly reviewers: number;
  readonly enforced: number;
  readonly already: number;
  readonly failed: number;
  readonly planned: number;
  /** Orphaned accounts revoked by the review, to hand to offboarding (unique, by person id). */
  readonly orphans: Person[];
}

const RETRYABLE_ATTEMPTS = 3;
/** How often a running enforcement heartbeats between its own progress reports (its heartbeat timeout is 30 s). */
const KEEP_ALIVE_MS = 5_000;
/** Enforcement records are saved after this many items (and at the end of each reviewer). */
const RECORD_EVERY = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Carries out the revocations decided in a page of reviewers, through the catalog's provider
 * actions (each reads the world first, so a rerun reports "already" instead of acting twice).
 * A reviewer whose enforcement is recorded is skipped on a rerun. A provider that stays
 * unavailable after a few tries, or refuses, fails that item only: it is recorded with the
 * exact error and counted, and the evidence pack lists it.
 */
export function createEnforceActivities(r: ReviewContext) {
  const actions = createActionActivities({ providers: r.deps });

  async function revoke(campaignId: string, item: ReviewItem, dryRun: boolean, at: () => string): Promise<EnforcementRecord> {
    const how = revocationOf(item, item.system === 'aws' && !!r.deps.iamAccounts?.[item.account]);
    if (!how)
      return {
        itemId: item.id,
        action: 'none',
        status: 'not-configured',
        plan: [`${item.system} entitlement ${item.resource} of ${item.subject}: no provider action revokes it; record only`],
        at: at(),
      };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await actions.runAction({
          action: how.action,
          params: how.params,
          incidentId: `review-${campaignId}`,
          stepId: 'enforce',
          idempotencyKey: `review:${campaignId}:${item.id}`,
          dryRun,
        });
        const notApplied = outcome.output.applied === false;
        const status = notApplied ? 'not-configured' : outcome.status === 'changed' ? 'changed' : outcome.status === 'already' ? 'already' : 'planned';
        return { itemId: item.id, action: how.action, status, plan: outcome.plan, at: at() };
      } catch (err) {
        const retryable = !(err instanceof ApplicationFailure && err.nonRetryable);
        if (retryable && attempt < RETRYABLE_ATTEMPTS) {
          await sleep(500 * 2 ** attempt);
          continue;
        }
        return { itemId: item.id, action: how.action, status: 'failed', plan: [], at: at(), error: (err as Error).message };
      }
    }
  }

  return {
    async reviewEnforce(input: EnforceInput): Promise<EnforceResult> {
      // A slow peer never lets the heartbeat lapse while this worker lives; a dead worker's does.
      let progress: unknown = { offset: input.offset };
      const beat = (details: unknown) => {
        progress = details;
        heartbeat(details);
      };
      const keepAlive = setInterval(() => heartbeat(progress), KEEP_ALIVE_MS);
      try {
        return await enforcePage(input, beat);
      } finally {
        clearInterval(keepAlive);
      }
    },
  };

  async function enforcePage(input: EnforceInput, beat: (details: unknown) => void): Promise<EnforceResult> {
    const reviewers = await r.store.listReviewers(input.campaignId, { offset: input.offset, limit: input.limit });
    const counts = { enforced: 0, already: 0, failed: 0, planned: 0 };
    const orphans = new Map<string, Person>();
    const tally = (records: readonly EnforcementRecord[]) => {
      for (const rec of records) {
        if (rec.status === 'changed') counts.enforced++;
        else if (rec.status === 'already') counts.already++;
        else if (rec.status === 'failed') counts.failed++;
        else if (rec.status === 'planned' || rec.status === 'not-configured') counts.planned++;
      }
    };
    for (const reviewer of reviewers) {
      beat({ reviewer });
      // What an earlier attempt recorded is final: records are written every few items, so a
      // retried attempt carries on after the last written one (an item revoked after that write
      // reports "already" on the rerun: at most RECORD_EVERY of them).
      const records = [...((await r.store.readEnforcement(input.campaignId, reviewer)) ?? [])];
      const recorded = new Set(records.map((rec) => rec.itemId));
      const items = new Map((await r.store.readReviewerItems(input.campaignId, reviewer)).map((i) => [i.id, i]));
      const revoked = ((await r.store.readDecisions(input.campaignId, reviewer)) ?? []).filter((d) => d.decision === 'revoke');
      const orphanOf = (item: ReviewItem | undefined) => (input.offboardOrphans && item && !item.personId && item.system !== 'synthetic' ? orphanPerson(item) : undefined);
      for (const d of revoked) {
        const item = items.get(d.itemId);
        if (!item) continue;
        const orphan = orphanOf(item);
        if (orphan) orphans.set(orphan.id, orphan);
        if (recorded.has(item.id)) continue;
        // An attempt the server gave up on (its heartbeat timed out) stops: another attempt carries on.
        Context.current().cancellationSignal.throwIfAborted();
        beat({ reviewer, item: item.id });
        records.push(
          orphan
            ? {
                itemId: item.id,
                action: 'offboarding',
                status: 'offboarding',
                plan: [`route orphaned ${item.system} account ${item.subject} to offboarding-${orphan.id}`],
                at: new Date().toISOString(),
              }
            : await revoke(input.campaignId, item, input.dryRun, () => new Date().toISOString()),
        );
        if (records.length % RECORD_EVERY === 0) await r.store.putEnforcement(input.campaignId, reviewer, records);
      }
      await r.store.putEnforcement(input.campaignId, reviewer, records);
      tally(records);
    }
    return { reviewers: reviewers.length, ...counts, orphans: [...orphans.values()] };
  }
}
