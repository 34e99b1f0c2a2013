import { ListGroupsForUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import { reviewerWorkflowId, type CampaignState } from '../../contracts/reviews.js';
import { readCampaignReport } from '../../server/routes/review-access.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import type { IamCall } from '../offboarding/iam-counter.js';
import { motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer.js';
import { campaignState, decide, startCampaign } from '../reviews/fixture.js';
import { expectEachMailOnce, HOSTS, startTwoHosts, type HostName, type TwoHosts } from './hosts.js';

/**
 * #18.3, the campaign half: one access-review campaign of 20,000 entitlements (19,500 of the
 * synthetic organization, 500 IAM group memberships on moto) run by two hosts (test/scale/hosts.ts)
 * on one task queue. Reviewers decide every item through the decide Update, in bulk; the host
 * whose proxy holds the 30th revocation (an IAM RemoveUserFromGroup) is killed with SIGKILL in the
 * middle of enforcement, past its first saved enforcement records; the other host finishes.
 *
 * Email in this configuration: the reviewers in the hosts' people: (rev-a and rev-b, the managers
 * of the mapped IAM users, and sec-lead, the fallback reviewer of the orphans) are told once when
 * their review opens and once when it closes, and compliance gets the evidence pack once. The
 * synthetic managers are in no directory, so nobody tells them anything; no reminder is configured,
 * and no review reaches its deadline (everything is decided), so nothing is escalated.
 */
const ACCOUNT = '123456789012';
const MAPPED = 150;
const ORPHANS = 25;
const SYNTHETIC = 19_500;
const KILL_AT = 30;
const REVIEWERS = ['rev-a', 'rev-b'] as const;
/** The enforcement activity saves its records every 20 items: a rerun finds at most that many revoked but unrecorded. */
const RECORD_EVERY = 20;

const mapped = Array.from({ length: MAPPED }, (_, i) => ({ user: `iam-${String(i).padStart(3, '0')}`, manager: REVIEWERS[i % 2]!, groups: ['ml-engineers', 'app-developers', `legacy-${i % 5}`] }));
const orphans = Array.from({ length: ORPHANS }, (_, i) => ({ user: `ghost-${String(i).padStart(2, '0')}`, groups: ['data-scientists', 'legacy-x'] }));
/** What the reviewers revoke: every legacy group, every orphan's access, every flagged synthetic grant; the rest is kept. */
const revokes = (i: ReviewItem): boolean => (i.system === 'aws' ? i.resource.startsWith('legacy-') || i.subject.startsWith('ghost-') : i.findings.length > 0);
const membership = (user: string, group: string) => `${user}/${group}`;

let moto: MotoPeer;
let admin: IAMClient;
let smtp: SmtpPeer;
let client: Client;
let two: TwoHosts;

/** The IAM users, seeded straight at moto (not through the hosts' proxies), a few at a time (a group that exists already is joined). */
async function seedIam(): Promise<void> {
  const users = [...mapped, ...orphans];
  const none = { accessKeys: 0, loginProfile: false, mfa: false, managedPolicies: [], inlinePolicies: [], sshKeys: 0 };
  for (let i = 0; i < users.length; i += 8) await Promise.all(users.slice(i, i + 8).map((u) => seedUser(admin, u.user, { ...none, groups: u.groups })));
}

/** A host's warden.yaml: the reviewers, the mapped IAM users (by their managers), sec-lead for what has no person. */
const hostConfig = [
  'people:',
  '  - { id: sec-lead, name: Sam Security, email: sec-lead@example.com }',
  ...REVIEWERS.map((r) => `  - { id: ${r}, name: Reviewer ${r}, email: ${r}@example.com }`),
  ...mapped.map((u) => `  - { id: ${u.user}, name: ${u.user}, email: ${u.user}@example.com, manager: ${u.manager}, aws: [{ account: '${ACCOUNT}', user_name: ${u.user} }], roles: [ml-engineer] }`),
  'reviews:',
  '  fallback_reviewers: [sec-lead]',
  '  compliance: { email: [compliance@example.com] }',
  '  reminder_days: []',
  '',
].join('\n');

beforeAll(async () => {
  [moto, smtp, client] = await Promise.all([startMoto(), startSmtpPeer(), suiteClient()]);
  admin = motoClient(moto.endpoint);
  // The KILL_AT-th change is held a while at its proxy: its host dies with it in flight.
  two = await startTwoHosts(moto.endpoint, (_call, n) => (n === KILL_AT ? 500 : 0));
  await seedIam();
}, 120_000);

afterAll(async () => {
  await two?.close();
  await Promise.all([moto?.stop(), smtp?.close(), client?.connection.close()]);
});

/** Each reviewer decides every item of theirs: people item by item in one bulk Update, synthetic managers the flagged ones, then keep-all-unflagged. */
async function decideAll(store: ReviewStore, id: string): Promise<Map<string, ReviewItem>> {
  const all = new Map<string, ReviewItem>();
  await Promise.all(
    (await store.listReviewers(id)).map(async (who) => {
      const items = await store.readReviewerItems(id, who);
      for (const i of items) all.set(i.id, i);
      const wf = reviewerWorkflowId(id, who);
      const decision = (i: ReviewItem) => ({ item: i.id, decision: revokes(i) ? ('revoke' as const) : ('keep' as const), reason: revokes(i) ? 'not needed' : 'still needed' });
      if (!who.startsWith('mgr-')) return decide(client, wf, { by: who, via: 'api', decisions: items.map(decision) });
      const flagged = items.filter(revokes);
      if (flagged.length) await decide(client, wf, { by: who, via: 'api', decisions: flagged.map(decision) });
      await decide(client, wf, { by: who, via: 'api', keepAllUnflagged: true });
    }),
  );
  return all;
}

describe('two hosts on one Temporal server, one killed with SIGKILL mid-campaign', () => {
  it('the other host finishes the 20,000-entitlement campaign: each revocation reached IAM once, the pack holds every decision, each email was sent once', { timeout: 300_000 }, async () => {
    const taskQueue = uniqueTaskQueue('two-hosts-review');
    await Promise.all(HOSTS.map((h) => two.start(h, taskQueue, hostConfig, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })));
    const id = `kill-${Date.now()}`;
    const started = Date.now();
    const killed = new Promise<{ host: HostName; call: IamCall }>((resolve) => {
      two.onChange = (host, n, call) => {
        if (n !== KILL_AT) return;
        two.hosts[host]?.kill('SIGKILL');
        resolve({ host, call });
      };
    });
    const handle = await startCampaign(client, taskQueue, id, {
      scope: ['aws', 'synthetic'],
      synthetic: { entitlements: SYNTHETIC, reviewers: 10, seed: 18 },
      timing: { deadlineMs: 30 * 60_000, graceMs: 0, remindersMs: [] },
    });
    await campaignState(client, id, (s) => s.phase === 'reviewing', 120_000);
    const store = two.reviewStore();
    const items = await decideAll(store, id);
    const reviewed = Date.now();

    const victim = await killed;
    const survivor = await two.kill(victim.host);
    const survivorBefore = two.counters[survivor].changes.length;
    const final: CampaignState = await handle.result();
    const seconds = (Date.now() - started) / 1000;

    // The campaign is done, every item decided by its reviewer, nothing failed.
    const toRevoke = [...items.values()].filter(revokes);
    const iamRevokes = toRevoke.filter((i) => i.system === 'aws');
    expect(items.size).toBe(SYNTHETIC + MAPPED * 3 + ORPHANS * 2);
    expect(final).toMatchObject({ phase: 'done', completionRate: 1 });
    expect(final.counts).toMatchObject({ entitlements: items.size, decided: items.size, revoked: toRevoke.length, enforcementFailed: 0 });
    expect(iamRevokes).toHaveLength(MAPPED + ORPHANS * 2);
    // Every IAM revocation is counted once, changed or already gone: those the dead host made after its last saved records were found gone.
    expect(final.counts.enforced + final.counts.alreadyRevoked).toBe(iamRevokes.length);
    expect(final.counts.alreadyRevoked).toBeGreaterThanOrEqual(1);
    expect(final.counts.alreadyRevoked).toBeLessThanOrEqual(RECORD_EVERY);
    expect(two.counters[survivor].changes.length).toBeGreaterThan(survivorBefore);

    // At the peer: each revoked membership removed exactly once across both hosts' proxies, nothing else changed.
    const removed = new Map<string, number>();
    for (const h of HOSTS)
      for (const c of two.counters[h].changes) {
        expect(c.action).toBe('RemoveUserFromGroup');
        const key = membership(c.params.UserName!, c.params.GroupName!);
        removed.set(key, (removed.get(key) ?? 0) + 1);
      }
    expect(Object.fromEntries(removed)).toEqual(Object.fromEntries(iamRevokes.map((i) => [membership(i.subject, i.resource), 1])));
    expect(victim.call.action).toBe('RemoveUserFromGroup');
    // Read back at moto: the revoked memberships are gone, the kept ones remain.
    for (const u of [...mapped, ...orphans]) {
      const groups = ((await admin.send(new ListGroupsForUserCommand({ UserName: u.user }))).Groups ?? []).map((g) => g.GroupName).sort();
      expect(groups, u.user).toEqual(u.groups.filter((g) => !removed.has(membership(u.user, g))).sort());
    }

    // The evidence pack, read from the shared bucket as the server reads it (checked against its recorded sha256): every item once, with its decision.
    const report = await readCampaignReport(two.evidence(), final, 'json');
    type Row = { id: string; reviewer: string; decision?: { decision: string; by: string; via: string }; enforcement?: { action: string; status: string } };
    const pack = JSON.parse(new TextDecoder().decode(report.body)) as { rows: Row[] };
    expect(pack.rows).toHaveLength(items.size);
    expect(new Set(pack.rows.map((r) => r.id))).toEqual(new Set(items.keys()));
    for (const r of pack.rows) {
      const item = items.get(r.id)!;
      expect(r.decision, r.id).toMatchObject({ decision: revokes(item) ? 'revoke' : 'keep', by: item.reviewer, via: 'api' });
      const enforced = !revokes(item)
        ? undefined
        : item.system === 'aws'
          ? { action: 'aws.removeFromGroups', status: expect.stringMatching(/^(changed|already)$/) as unknown }
          : { status: 'not-configured' };
      if (enforced) expect(r.enforcement, r.id).toMatchObject(enforced);
      else expect(r.enforcement, r.id).toBeUndefined();
    }
    // The change held at the dead host's proxy reached moto after the kill; the survivor found it done.
    const held = pack.rows.find((r) => r.id.endsWith(`:${victim.call.params.UserName}:iam-group:${victim.call.params.GroupName}`));
    expect(held?.enforcement?.status).toBe('already');

    // Each email once, as the SMTP peer received them.
    const mail = smtp.messages;
    expect(expectEachMailOnce(mail)).toEqual({ 'rev-a@example.com': 2, 'rev-b@example.com': 2, 'sec-lead@example.com': 2, 'compliance@example.com': 1 });

    console.log(
      `two hosts: ${items.size}-entitlement campaign done in ${seconds.toFixed(1)} s (decided after ${((reviewed - started) / 1000).toFixed(1)} s); ${victim.host} killed at IAM change ${KILL_AT}, ${survivor} finished; ${iamRevokes.length} IAM revocations once each (${final.counts.alreadyRevoked} found gone), ${mail.length} emails, each once`,
    );
  });
});
