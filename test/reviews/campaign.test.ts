import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateAccountAliasCommand, ListGroupsForUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { WardenActivities, WardenDeps } from '../../activities/index.js';
import type { ActionDeps } from '../../catalog/types.js';
import { offboardingWorkflowId } from '../../contracts/offboarding.js';
import { reviewApproveUpdate, reviewDecideUpdate, reviewerWorkflowId, type CampaignState, type ReviewerState } from '../../contracts/reviews.js';
import { app, codeHost, startGitHub } from '../activities/github/fixture.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import type { FakeGitHub } from '../peers/fake-github.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';
import { campaignState, directoryOf, reviewerState, reviewSettings, startCampaign, tempStore } from './fixture.js';

/**
 * A seeded organization on moto and the GitHub fake, reviewed end to end on the dev server:
 * mona (a manager) reviews dana's and eve's access, sec-lead (the fallback) reviews what has no
 * person (an orphaned IAM user, an outside collaborator) and the automation account, which is an
 * exception. Mona decides; sec-lead stays silent and the deadline decides by revoke-flagged.
 */
const PEOPLE = [
  { id: 'ciso', name: 'Cleo Ciso', email: 'ciso@example.com', slack_user_id: 'U0CISO' },
  { id: 'sec-lead', name: 'Sam Security', email: 'sec-lead@example.com', manager: 'ciso', slack_user_id: 'U0SECLEAD' },
  { id: 'mona', name: 'Mona Manager', email: 'mona@example.com', slack_user_id: 'U0MONA', roles: ['mlops'] },
  { id: 'dana', name: 'Dana Scientist', email: 'dana@example.com', manager: 'mona', github_login: 'dana-gh', aws: [{ account: '123456789012', user_name: 'dana' }], roles: ['data-scientist'] },
  // Listed by the account's alias: the same account as its id (eve must not come out orphaned).
  { id: 'eve', name: 'Eve Engineer', email: 'eve@example.com', manager: 'mona', aws: [{ account: 'acme-ml', user_name: 'eve' }], roles: ['ml-engineer'] },
  { id: 'bot', name: 'Warden automation', email: 'bot@example.com', github_login: 'warden-admin' },
];

let moto: MotoPeer;
let admin: IAMClient;
let gh: FakeGitHub;
let peers: Peers;
let client: Client;
let setup: WardenDeps;

const bare = { accessKeys: 0, loginProfile: false, mfa: false, managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
const groupsOf = async (user: string) => ((await admin.send(new ListGroupsForUserCommand({ UserName: user }))).Groups ?? []).map((g) => g.GroupName).sort();

beforeAll(async () => {
  [moto, gh, peers, client] = await Promise.all([
    startMoto(),
    startGitHub({
      members: { 'warden-admin': 'admin', 'dana-gh': 'member' },
      teams: [{ slug: 'data-scientists', name: 'Data Scientists', members: ['dana-gh'] }],
      repos: { 'model-serving': { collaborators: { 'ext-bob': 'write' }, deployKeys: [] } },
      invitations: [],
      patGrants: [],
      credentialAuthorizations: [],
    }),
    startPeers(),
    suiteClient(),
  ]);
  admin = motoClient(moto.endpoint);
  await admin.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-ml' }));
  await seedUser(admin, 'dana', { ...bare, accessKeys: 1, groups: ['data-scientists', 'admins'] });
  await seedUser(admin, 'eve', { ...bare, groups: ['ml-engineers'] });
  await seedUser(admin, 'ghost', { ...bare, groups: ['data-scientists'] });
  const deps: ActionDeps = { ...peers.deps, iam: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), code: codeHost(gh, { app }) };
  setup = {
    providers: deps,
    directory: directoryOf(PEOPLE),
    reviews: {
      settings: reviewSettings({ on_silence: 'revoke-flagged', exceptions: [{ system: 'github', subject: 'warden-admin', reason: 'the automation account' }] }),
      store: tempStore().store,
    },
  };
}, 120_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), gh?.close(), peers?.close()]);
  await client?.connection.close();
});

const itemOf = (items: readonly { id: string }[], suffix: string): string => {
  const found = items.find((i) => i.id.endsWith(suffix));
  if (!found) throw new Error(`no item ending ${suffix} among ${items.map((i) => i.id).join(', ')}`);
  return found.id;
};

describe('an access review campaign over moto and the GitHub fake', () => {
  it('a dry run evaluates and assigns, writes the evidence pack, and contacts nobody and changes nothing', async () => {
    const taskQueue = uniqueTaskQueue('review-dry');
    const state = await withWorker(setup, { taskQueue }, async () => (await startCampaign(client, taskQueue, 'dry-1', { dryRun: true })).result());
    expect(state).toMatchObject({ phase: 'done', dryRun: true, scope: ['aws', 'github'] });
    // One batch of IAM users; GitHub's organization part, then its one page of repositories.
    expect(state.sources).toEqual({ aws: { done: true, batches: 1 }, github: { done: true, batches: 2, cursor: 'repos:1' } });
    expect(state.counts.reviewers).toBe(2);
    expect(state.counts.findings.orphaned).toBeGreaterThanOrEqual(3);
    expect(state.counts.findings.exceeds_role).toBeGreaterThanOrEqual(1);
    expect(state.counts.findings.external_collaborator).toBeGreaterThanOrEqual(1);
    expect(state.counts.decided + state.counts.enforced).toBe(0);
    expect(state.evidence.map((e) => e.name).sort()).toEqual(['evidence.csv', 'evidence.json', 'inventory.csv', 'inventory.html', 'inventory.json', 'report.html']);
    await expect(client.workflow.getHandle(reviewerWorkflowId('dry-1', 'mona')).describe()).rejects.toThrow();
    expect(await groupsOf('dana')).toEqual(['admins', 'data-scientists']);
    expect(peers.slack.messages ?? []).toHaveLength(0);
  });

  it('reviewers decide their own items only; the deadline revokes flagged silence; revocations land at moto and GitHub', async () => {
    const taskQueue = uniqueTaskQueue('review-live');
    const id = 'live-1';
    let final: CampaignState | undefined;
    let sec: ReviewerState | undefined;
    await withWorker(setup, { taskQueue }, async () => {
      const handle = await startCampaign(client, taskQueue, id, { timing: { deadlineMs: 15_000, graceMs: 1_000, remindersMs: [5_000] } });
      const mona = await reviewerState(client, id, 'mona', (s) => s.items.length > 0);
      const monaHandle = client.workflow.getHandle(reviewerWorkflowId(id, 'mona'));
      const admins = itemOf(mona.items, ':dana:iam-group:admins');
      expect(mona.items.find((i) => i.id === admins)).toMatchObject({ flagged: true, person: 'dana' });

      // Someone else's reviewer, and the holder of the entitlement, are refused by the validator.
      await expect(monaHandle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'sec-lead', via: 'api', decisions: [{ item: admins, decision: 'keep' }] }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/sec-lead may not decide mona's items/) as unknown },
      });
      await expect(monaHandle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'dana', via: 'api', decisions: [{ item: admins, decision: 'keep' }] }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/dana may not decide/) as unknown },
      });
      await expect(monaHandle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'mona', via: 'api', decisions: [{ item: 'aws:1:x:iam-group:nope', decision: 'keep' }] }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/not among mona's items/) as unknown },
      });

      const res = await monaHandle.executeUpdate(reviewDecideUpdate, {
        args: [{ by: 'mona', via: 'api', decisions: [{ item: admins, decision: 'revoke', reason: 'data scientists do not administer' }], keepAllUnflagged: true }],
      });
      expect(res.remaining).toBe(0);
      final = await handle.result();
      // Queries of closed workflows replay them on a worker: while it runs.
      sec = await reviewerState(client, id, 'sec-lead');
    });
    const state = final!;
    expect(state.phase).toBe('done');
    expect(state.counts).toMatchObject({ reviewers: 2, revoked: 1 });
    expect(state.counts.revokedOnSilence).toBeGreaterThanOrEqual(2);
    expect(state.counts.exceptionsKept).toBeGreaterThanOrEqual(1);
    expect(state.counts.enforcementFailed).toBe(0);
    expect(state.completionRate).toBeGreaterThan(0);
    expect(state.completionRate).toBeLessThan(1);

    // Revocations, at the peers.
    expect(await groupsOf('dana')).toEqual(['data-scientists']);
    expect(await groupsOf('eve')).toEqual(['ml-engineers']);
    expect(await groupsOf('ghost')).toEqual([]);
    expect(gh.state.repos['model-serving']?.collaborators).toEqual({});
    expect(gh.state.members).toMatchObject({ 'warden-admin': 'admin', 'dana-gh': 'member' });
    expect(gh.state.teams[0]?.members).toEqual(['dana-gh']);

    // sec-lead was silent: escalated to the ciso, then decided by the policy.
    expect(sec).toMatchObject({ phase: 'closed', escalatedTo: 'ciso', remindersSent: 1 });
    expect(Object.values(sec!.decisions).every((d) => d.via === 'silence')).toBe(true);
    const bot = Object.values(sec!.decisions).filter((d) => d.itemId.includes(':warden-admin:'));
    expect(bot.length).toBeGreaterThan(0);
    expect(bot.every((d) => d.decision === 'keep' && d.reason === 'exception: the automation account')).toBe(true);

    // The evidence pack names every decision and enforcement.
    const json = state.evidence.find((e) => e.name === 'evidence.json')!;
    const pack = JSON.parse(readFileSync(fileURLToPath(json.uri), 'utf8')) as { rows: Record<string, unknown>[] };
    const row = pack.rows.find((r) => String(r.itemId ?? r.item_id ?? r.id).endsWith(':dana:iam-group:admins'));
    expect(JSON.stringify(row)).toContain('mona');
    expect(JSON.stringify(row)).toContain('aws.removeFromGroups');
    expect(pack.rows).toHaveLength(state.counts.entitlements);
  }, 120_000);

  it('with an approval group, revocations wait for one approval from that group; a revoked orphan is handed to offboarding', async () => {
    await seedUser(admin, 'ghost2', { ...bare, groups: ['data-scientists'] });
    const taskQueue = uniqueTaskQueue('review-approval');
    const id = 'approval-1';
    const gated: WardenDeps = {
      ...setup,
      reviews: {
        store: setup.reviews!.store,
        settings: reviewSettings({
          on_silence: 'revoke-flagged',
          approval_group: 'security-leads',
          offboard_orphans: true,
          compliance: { email: ['compliance@example.com'] },
          exceptions: [{ system: 'github', subject: 'warden-admin', reason: 'the automation account' }],
        }),
      },
    };
    let final: CampaignState | undefined;
    await withWorker(gated, { taskQueue }, async () => {
      const handle = await startCampaign(client, taskQueue, id, { timing: { deadlineMs: 2_000, graceMs: 0, remindersMs: [] } });
      const waiting = await campaignState(client, id, (s) => s.phase === 'awaiting-approval');
      expect(waiting.counts.revokedOnSilence).toBeGreaterThanOrEqual(1);
      // Compliance is told how to approve; nothing is revoked while the approval is pending.
      await expect.poll(() => peers.smtp.messages.some((m) => m.subject?.includes(`Access review ${id}`) && m.text?.includes(`warden review approve ${id}`)), { timeout: 10_000 }).toBe(true);
      expect(await groupsOf('ghost2')).toEqual(['data-scientists']);
      await expect(handle.executeUpdate(reviewApproveUpdate, { args: [{ by: 'ops-person', groups: ['ops'], approve: true }] })).rejects.toMatchObject({
        cause: { message: expect.stringContaining('is not in group security-leads') as unknown },
      });
      await handle.executeUpdate(reviewApproveUpdate, { args: [{ by: 'lead', groups: ['security-leads'], approve: true, reason: 'reviewed the list' }] });
      final = await handle.result();
      // The orphan's offboarding runs on its own: its revocations reach moto.
      await expect.poll(() => groupsOf('ghost2'), { timeout: 60_000, interval: 500 }).toEqual([]);
      await client.workflow.getHandle(offboardingWorkflowId('orphan-aws-123456789012-ghost2')).terminate('test done: the retention period is not under test here');
    });
    expect(final).toMatchObject({ phase: 'done', approval: { group: 'security-leads', decision: { approved: true, by: 'lead', reason: 'reviewed the list' } } });
    expect(final!.counts.offboardingsStarted).toBe(1);
    expect(final!.timeline.map((t) => t.event)).toContain('revocations approved');
    // The pack went to compliance too, with its three files attached.
    const pack = peers.smtp.messages.find((m) => m.subject?.includes(id) && (m.attachments?.length ?? 0) > 0);
    expect(pack?.attachments?.map((a) => a.filename).sort()).toEqual(['evidence.csv', 'evidence.json', 'inventory.csv', 'inventory.html', 'inventory.json', 'report.html']);
  }, 120_000);

  it('without an evidence store the campaign still finishes, saying why it has no pack', async () => {
    const taskQueue = uniqueTaskQueue('review-no-evidence');
    const bareSetup: WardenDeps = { providers: {}, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'] }), store: tempStore().store } };
    const state = await withWorker(bareSetup, { taskQueue }, async () =>
      (await startCampaign(client, taskQueue, 'no-evidence-1', { dryRun: true, scope: ['synthetic'], synthetic: { entitlements: 50, reviewers: 2 } })).result(),
    );
    expect(state).toMatchObject({ phase: 'done', evidence: [], counts: { entitlements: 50 } });
    expect(state.evidenceError).toMatch(/evidence store is not configured/);
  });

  it('a reviewer workflow that fails is recorded, and the other reviews and the campaign still finish', async () => {
    const taskQueue = uniqueTaskQueue('review-failing');
    const failing = (real: WardenActivities) => ({
      reviewLoadReviewer: async (input: { campaignId: string; reviewer: string }) => {
        if (input.reviewer === 'sec-lead') throw ApplicationFailure.nonRetryable('the item list is too large for one workflow', 'TooManyItems');
        return real.reviewLoadReviewer(input);
      },
      // A reviewer workflow since reviewer-paged-items loads its items a page at a time.
      reviewLoadReviewerPage: async (input: { campaignId: string; reviewer: string; offset: number; limit: number }) => {
        if (input.reviewer === 'sec-lead') throw ApplicationFailure.nonRetryable('the item list is too large for one workflow', 'TooManyItems');
        return real.reviewLoadReviewerPage(input);
      },
    });
    const state = await withWorker(setup, { taskQueue, activities: failing }, async () =>
      (await startCampaign(client, taskQueue, 'failing-1', { timing: { deadlineMs: 1_500, graceMs: 0, remindersMs: [] } })).result(),
    );
    expect(state.phase).toBe('done');
    expect(state.failedReviewers).toEqual({ count: 1, examples: [{ reviewer: 'sec-lead', error: 'the item list is too large for one workflow' }] });
    expect(state.timeline.some((t) => t.event.startsWith('1 reviewer workflow(s) failed'))).toBe(true);
    expect(state.counts.keptOnSilence + state.counts.revokedOnSilence).toBeGreaterThan(0);
  }, 120_000);
});
