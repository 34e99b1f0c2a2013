/**
 * P5: offboarding a person who holds 20 credentials across AWS (moto) and GitHub (the fake of
 * test/peers over HTTP), against the same activity calls made one after another (the baseline
 * replays the offboarding's calls up to its revocation, decoded from its history, sequentially,
 * on a freshly seeded twin). Both timed by the server's clock: start → revocation done.
 */
import { randomUUID } from 'node:crypto';
import { writeBucketFull } from '../activities/providers/github/github-client.js';
import { offboardingStateQuery, offboardingWorkflowId, type OffboardingState } from '../contracts/offboarding.js';
import type { Person } from '../contracts/directory.js';
import { seedUser } from '../test/peers/moto.js';
import type { RecordedCall } from './baseline-workflows.js';
import { eventMs, historyOf, recordedCalls, substitute } from './history.js';
import { median, round } from './stats.js';
import { TASK_QUEUE, type World } from './world.js';

let nextId = 7_300_000;

interface Seeded {
  readonly tag: string;
  readonly person: Person;
  /** Every id of the round that a twin's differs in. */
  readonly ids: string[];
  /** How many credentials were seeded, counted from what moto and the fake answered. */
  readonly credentials: number;
}

/** 20 credentials. At AWS (12): 2 keys, a login profile, MFA, 2 groups, 2 attached and 2 inline policies, 2 SSH keys; at GitHub (8): membership, a team, 3 token grants, 2 SSO authorizations, an invitation. */
async function seedPerson(world: World): Promise<Seeded> {
  const tag = `p5${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const user = await seedUser(world.admin, tag, {
    accessKeys: 2,
    groups: [`${tag}-eng`, `${tag}-data`],
    managedPolicies: [`${tag}-read`, `${tag}-write`],
    inlinePolicies: [`${tag}-a`, `${tag}-b`],
    sshKeys: 2,
  });
  const gh = world.github.state;
  const n = Array.from({ length: 6 }, () => nextId++);
  gh.members[tag] = 'member';
  gh.teams.push({ slug: `${tag}-team`, name: `${tag} team`, members: [tag] });
  gh.patGrants.push({ id: n[0]!, owner: tag, tokenName: 'laptop' }, { id: n[1]!, owner: tag, tokenName: 'ci' }, { id: n[2]!, owner: tag, tokenName: 'scripts' });
  gh.credentialAuthorizations.push({ credentialId: n[3]!, login: tag, type: 'personal access token' }, { credentialId: n[4]!, login: tag, type: 'SSH key' });
  const email = `${tag}@example.com`;
  gh.invitations.push({ id: n[5]!, login: null, email, role: 'direct_member' });
  const person: Person = { id: tag, name: `Bench ${tag}`, email, githubLogin: tag, aws: [{ account: '123456789012', userName: tag }], groups: [], roles: [] };
  const aws = user.accessKeys.length + 1 + user.mfaSerials.length + user.groups.length + user.policyArns.length + user.inlinePolicies.length + user.sshKeyIds.length;
  const github =
    1 +
    gh.teams.filter((t) => t.members.includes(tag)).length +
    gh.patGrants.filter((g) => g.owner === tag).length +
    gh.credentialAuthorizations.filter((c) => c.login === tag).length +
    gh.invitations.filter((i) => i.email === email).length;
  return { tag, person, ids: [tag, ...user.accessKeys.map((k) => k.accessKeyId), ...user.sshKeyIds, ...n.map(String)], credentials: aws + github };
}

async function offboard(world: World, s: Seeded): Promise<{ ms: number; items: number; calls: RecordedCall[][]; branches: Record<string, { doneAtMs: number; calls: number }> }> {
  const workflowId = offboardingWorkflowId(s.person.id);
  const handle = await world.client.workflow.start('offboardingWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [
      {
        personId: s.person.id,
        person: s.person,
        reason: 'bench',
        requestedBy: 'bench',
        dryRun: false,
        notify: { slackChannel: '#sec-incidents' },
        policy: { maxAttempts: 3, initialInterval: '200ms', maxInterval: '1s' },
      },
    ],
  });
  let state: OffboardingState | undefined;
  const end = Date.now() + 300_000;
  while (!state?.times.revokedAt) {
    if (Date.now() > end) throw new Error(`P5: ${workflowId} not revoked within 5 min (phase ${state?.phase})`);
    await new Promise((r) => setTimeout(r, 100));
    state = await handle.query(offboardingStateQuery);
  }
  const revokedAt = Date.parse(state.times.revokedAt);
  const events = await historyOf(world.client, workflowId);
  await handle.terminate('bench: revocation measured');
  const upToRevocation = events.filter((e) => eventMs(e) <= revokedAt);
  const calls = await recordedCalls(world.client, upToRevocation);
  return { ms: revokedAt - eventMs(events[0]), items: state.items.length, calls, branches: branchTimes(upToRevocation, calls.flat()) };
}

/**
 * Where an offboarding's time goes: for each provider's branch (the catalog action's prefix), when
 * its last call finished after the start, and how many calls it made. The providers' branches run
 * at once, so the offboarding takes about as long as its slowest branch.
 */
function branchTimes(events: Awaited<ReturnType<typeof historyOf>>, calls: RecordedCall[]): Record<string, { doneAtMs: number; calls: number }> {
  const start = eventMs(events[0]);
  const providerOf = new Map<string, string>();
  let k = 0;
  for (const e of events) {
    if (!e.activityTaskScheduledEventAttributes) continue;
    const action = (calls[k++]?.args[0] as { action?: string } | undefined)?.action ?? 'other';
    providerOf.set(String(e.eventId), action.split('.')[0]!);
  }
  const out: Record<string, { doneAtMs: number; calls: number }> = {};
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes;
    if (!done) continue;
    const provider = providerOf.get(String(done.scheduledEventId)) ?? 'other';
    const b = (out[provider] ??= { doneAtMs: 0, calls: 0 });
    b.doneAtMs = Math.max(b.doneAtMs, round(eventMs(e) - start));
    b.calls += 1;
  }
  return out;
}

/**
 * Each run starts as a single offboarding on a quiet worker does: with the GitHub client's write
 * bucket full (the previous run's writes drained it; it refills one write a second).
 */
async function githubBucketRefilled(): Promise<void> {
  while (!(await writeBucketFull())) await new Promise((r) => setTimeout(r, 250));
}

export async function measureP5(world: World, rounds: number) {
  const parallel: number[] = [];
  const serial: number[] = [];
  let items = 0;
  let calls = 0;
  let credentials = 0;
  let branches: Record<string, { doneAtMs: number; calls: number }>[] = [];
  for (let i = 0; i < rounds; i++) {
    const subject = await seedPerson(world);
    await githubBucketRefilled();
    const run = await offboard(world, subject);
    parallel.push(run.ms);
    branches = [...branches, run.branches];
    items = run.items;
    credentials = subject.credentials;
    calls = run.calls.flat().length;
    const twin = await seedPerson(world);
    const map = Object.fromEntries(subject.ids.map((id, k) => [id, twin.ids[k]!]));
    const workflowId = `bench-sequential-${twin.tag}`;
    await githubBucketRefilled();
    await world.client.workflow.execute('replayCallsWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [{ groups: substitute(run.calls, map), sequential: true }] });
    const events = await historyOf(world.client, workflowId);
    serial.push(eventMs(events.at(-1)) - eventMs(events[0]));
  }
  const ratio = round(median(parallel) / median(serial));
  return {
    ratio,
    goal: '≤ 0.5',
    pass: ratio <= 0.5,
    rounds,
    credentials,
    offboardingItems: items,
    activityCalls: calls,
    timedBy: "the server's clock: the workflow's start event to its revokedAt (the offboarding) or its completion (the sequential replay)",
    bound:
      "the providers' branches run at once, and each provider's revocations in two waves run at once, so the offboarding lasts about as long as its slowest branch (branchesDoneAtMs, from the history). GitHub writes go one at a time through the client's bucket (a burst of 10, then one a second); each run, the offboarding's and the sequential baseline's, starts with the bucket full",
    branchesDoneAtMs: branches,
    offboarding: { medianMs: round(median(parallel)), samples: parallel.map((x) => round(x)) },
    sequential: { medianMs: round(median(serial)), samples: serial.map((x) => round(x)) },
  };
}
