/**
 * Issue #15, lifecycle: every step ends in a state that says which case it is, and a live
 * incident never passes off a step its provider could not run as done. Real dev server, real
 * Slack-protocol fake, moto for AWS.
 */
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { WorkflowUpdateFailedError, Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../../activities/providers/aws-iam/aws-iam.js';
import { lessonsUpdate, resolveUpdate, stepActionUpdate, type StepActionRequest } from '../../../contracts/incident.js';
import { loadPlaybookText } from '../../../playbook/load.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { alert, HEADER, playbook, resolveAndClose, startIncident, startPeers, state, type Peers } from '../../helpers/incident.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../../peers/moto.js';

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  moto = await startMoto();
  iam = motoClient(moto.endpoint);
}, 120_000);
afterAll(async () => {
  await moto.stop();
  await peers.close();
  await client.connection.close();
});

const disableThenTell = (userName: string, accessKeyId: string) =>
  playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: "${userName}", accessKeyId: "${accessKeyId}" }
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "contained {{ steps.disable_key.status }}" }
`);

/** Announces in detect (Slack is left unconfigured where it is used), then runs the `contain` steps given as YAML. */
const announceThen = (contain: string) =>
  playbook(`${HEADER}
phases:
  detect:
    - id: announce
      action: notify.slack
      with: { channel: "#sec-incidents", text: "leaked key" }
  contain:
${contain}`);
/** Past the detect phase's events, before the contain phase: the incident continues as new once, between the two. */
const CAN_AFTER = 16;
const act = (handle: WorkflowHandle, req: Omit<StepActionRequest, 'stepId'> & { stepId?: string }) => handle.executeUpdate(stepActionUpdate, { args: [{ stepId: 'disable_key', ...req }] });
const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: WorkflowUpdateFailedError) => e.cause?.message ?? String(e),
  );
const postsAbout = (incidentId: string) => peers.slack.messages.filter((m) => m.text.includes(incidentId) && m.text.includes('NOT applied'));

describe('truthful step states', () => {
  it('a live step whose provider is not configured is not_applied ("aws not configured"), the owners are told, and the incident waits in its phase; a retry runs it again, a skip needs a reason', async () => {
    const taskQueue = uniqueTaskQueue('not-applied');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, disableThenTell('dana', 'AKIAEXAMPLE000000001'), alert());
      await expect.poll(async () => (await state(handle)).status, { timeout: 20_000 }).toBe('waiting');
      const s = await state(handle);
      expect(s.phase).toBe('contain');
      expect(s.steps.disable_key).toMatchObject({ status: 'not_applied', notApplied: { reason: 'provider-not-configured', message: 'aws not configured' } });
      expect(s.steps.tell!.status).toBe('pending');
      expect(s.times.containedAt).toBeUndefined();
      await expect.poll(() => postsAbout(s.incidentId).length).toBe(1);
      expect(postsAbout(s.incidentId)[0]!.text).toContain('aws not configured');

      // A retry with AWS still missing is not applied again, and the owners are told again.
      expect(await act(handle, { action: 'retry', by: 'olga' })).toBe('not_applied');
      await expect.poll(() => postsAbout(s.incidentId).length).toBe(2);
      expect((await state(handle)).steps.disable_key!.retries).toEqual([expect.objectContaining({ by: 'olga' })]);

      expect(await refusalOf(act(handle, { action: 'skip', by: 'olga', text: '  ' }))).toMatch(/skip needs a reason/);
      expect(await refusalOf(act(handle, { action: 'retry', by: 'olga', stepId: 'tell' }))).toMatch(/tell is pending: only a step that is not_applied can be retried/);
      expect(await act(handle, { action: 'skip', by: 'olga', text: 'the key was deleted by AWS support' })).toBe('skipped');
      await expect.poll(async () => (await state(handle)).steps.tell!.status).toBe('applied');
      const after = await state(handle);
      expect(after.steps.disable_key).toMatchObject({ status: 'skipped', resolution: { action: 'skip', by: 'olga', text: 'the key was deleted by AWS support' } });
      expect(after.times.firstHumanActionAt).toBeDefined();
      expect(after.timeline.some((t) => t.by === 'olga' && t.event.includes('skipped'))).toBe(true);
    });
  });

  it('a person marks a step done by hand with a note, and who did it is recorded', async () => {
    const taskQueue = uniqueTaskQueue('by-hand');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, disableThenTell('dana', 'AKIAEXAMPLE000000002'), alert());
      await expect.poll(async () => (await state(handle)).steps.disable_key!.status, { timeout: 20_000 }).toBe('not_applied');
      expect(await refusalOf(act(handle, { action: 'done_by_hand', by: 'olga' }))).toMatch(/done_by_hand needs a note/);
      expect(await act(handle, { action: 'done_by_hand', by: 'olga', text: 'disabled in the console' })).toBe('done_by_hand');
      await expect.poll(async () => (await state(handle)).steps.tell!.status).toBe('applied');
      expect((await state(handle)).steps.disable_key!.resolution).toMatchObject({ action: 'done_by_hand', by: 'olga', text: 'disabled in the console' });
    });
  });

  it('in a dry run the same step is planned, and nothing waits', async () => {
    const taskQueue = uniqueTaskQueue('dry');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, disableThenTell('dana', 'AKIAEXAMPLE000000003'), alert(), { dryRun: true });
      const final = await handle.result();
      expect(final.steps.disable_key!.status).toBe('planned');
      expect(final.steps.disable_key!.notApplied).toBeUndefined();
    });
  });

  it('disabling a key is applied only once ListAccessKeys reads it back Inactive; a second run says already_so', async () => {
    const user = await seedUser(iam, 'truth-applied', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const keyId = user.accessKeys[0]!.accessKeyId;
    const deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
    const taskQueue = uniqueTaskQueue('applied');
    await withWorker({ providers: deps }, { taskQueue }, async () => {
      const first = await startIncident(client, taskQueue, disableThenTell('truth-applied', keyId), alert());
      await expect.poll(async () => (await state(first)).steps.tell!.status, { timeout: 20_000 }).toBe('applied');
      expect((await state(first)).steps.disable_key).toMatchObject({ status: 'applied', output: { before: { status: 'Active' }, after: { status: 'Inactive' }, readBack: 'ListAccessKeys' } });
      const second = await startIncident(client, taskQueue, disableThenTell('truth-applied', keyId), alert());
      await expect.poll(async () => (await state(second)).steps.tell!.status, { timeout: 20_000 }).toBe('applied');
      expect((await state(second)).steps.disable_key!.status).toBe('already_so');
    });
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'truth-applied' }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.Status)).toEqual(['Inactive']);
  });

  it('an announcement Slack could not send is not_applied, and holds no containment back: the key is disabled at once, the owners are told by email, and a person may still settle it', async () => {
    const user = await seedUser(iam, 'truth-unsent', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const keyId = user.accessKeys[0]!.accessKeyId;
    const deps = { ...peers.deps, chat: undefined, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
    const announceThenDisable = announceThen(`    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: truth-unsent, accessKeyId: "${keyId}" }
`);
    const taskQueue = uniqueTaskQueue('unsent');
    await withWorker({ providers: deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, announceThenDisable, alert());
      await expect.poll(async () => (await state(handle)).steps.disable_key!.status, { timeout: 20_000 }).toBe('applied');
      const s = await state(handle);
      expect(s.steps.announce).toMatchObject({ status: 'not_applied', notApplied: { reason: 'provider-not-configured', message: 'slack not configured' } });
      expect(s.times.containedAt).toBeDefined();
      expect(s.timeline.some((t) => t.event.includes('step announce not applied: slack not configured; the incident goes on'))).toBe(true);
      expect(s.timeline.some((t) => t.event.includes('waiting for a person'))).toBe(false);
      // Slack is what is missing, so the owners hear of it by email.
      await expect.poll(() => peers.smtp.messages.some((m) => (m.text ?? '').includes(s.incidentId) && (m.text ?? '').includes('NOT applied: slack not configured. The incident goes on'))).toBe(true);
      // The same choices as for any step not applied stay open while the incident runs.
      expect(await act(handle, { stepId: 'announce', action: 'skip', by: 'olga', text: 'no Slack in this workspace' })).toBe('skipped');
      await resolveAndClose(handle);
      expect((await handle.result()).steps.announce).toMatchObject({ status: 'skipped', notApplied: { reason: 'provider-not-configured' }, resolution: { by: 'olga' } });
    });
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'truth-unsent' }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.Status)).toEqual(['Inactive']);
  });

  it('after continue-as-new, a notification not sent can still be retried: its wait is armed again in the new run, and the retry runs', async () => {
    const announceThenSnapshot = announceThen(`    - id: snap
      action: evidence.snapshot
      with: { label: contained }
`);
    const taskQueue = uniqueTaskQueue('unsent-can');
    await withWorker({ providers: { ...peers.deps, chat: undefined } }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, announceThenSnapshot, alert(), { limits: { continueAsNewAfterEvents: CAN_AFTER } });
      const firstRun = (await handle.describe()).runId;
      await expect.poll(async () => (await state(handle)).awaiting, { timeout: 20_000 }).toBe('resolution');
      const s = await state(handle);
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect(s.timeline.filter((t) => t.event.startsWith('continued as new')).length).toBe(1);
      expect(s.steps.snap!.status).toBe('applied');
      expect(s.steps.announce!.status).toBe('not_applied');
      const mails = () => peers.smtp.messages.filter((m) => (m.text ?? '').includes(s.incidentId) && (m.text ?? '').includes('(announce) was NOT applied'));
      const told = () => mails().length;
      // The owners' message, which the continue-as-new may have cut off, reaches them once; the timeline says it once.
      await expect.poll(told).toBe(1);
      expect(s.timeline.filter((t) => t.event.startsWith('step announce not applied')).length).toBe(1);
      // The first run sent it before continuing as new: every activity it scheduled completed.
      const events = (await client.workflow.getHandle(handle.workflowId, firstRun).fetchHistory()).events ?? [];
      const count = (attr: 'activityTaskScheduledEventAttributes' | 'activityTaskCompletedEventAttributes') => events.filter((e) => e[attr]).length;
      expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
      expect(count('activityTaskScheduledEventAttributes')).toBeGreaterThanOrEqual(2);
      expect(count('activityTaskCompletedEventAttributes')).toBe(count('activityTaskScheduledEventAttributes'));

      // The retry is run in the new run (Slack is still missing, so it is not applied again, and the owners hear of it again).
      expect(await act(handle, { stepId: 'announce', action: 'retry', by: 'olga' })).toBe('not_applied');
      await expect.poll(told).toBe(2);
      expect(new Set(mails().map((m) => m.messageId)).size).toBe(2);
      expect((await state(handle)).steps.announce).toMatchObject({ status: 'not_applied', retries: [expect.objectContaining({ by: 'olga' })] });
      expect(await act(handle, { stepId: 'announce', action: 'skip', by: 'olga', text: 'no Slack here' })).toBe('skipped');
      await resolveAndClose(handle);
    });
  });

  it('a key the user does not have is not_applied as "target missing", not failed', async () => {
    await seedUser(iam, 'truth-missing', { accessKeys: 0, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
    const taskQueue = uniqueTaskQueue('missing');
    await withWorker({ providers: deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, disableThenTell('truth-missing', 'AKIAEXAMPLE000000009'), alert());
      await expect.poll(async () => (await state(handle)).status, { timeout: 20_000 }).toBe('waiting');
      const st = (await state(handle)).steps.disable_key!;
      expect(st.status).toBe('not_applied');
      expect(st.notApplied).toMatchObject({ reason: 'target-missing' });
      expect(st.notApplied!.message).toMatch(/^target missing: .*does not exist/);
      await act(handle, { action: 'skip', by: 'olga', text: 'wrong key id in the alert' });
    });
  });
});

const containRecover = playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: dana, accessKeyId: AKIAEXAMPLE000000020 }
  recover:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "recovered" }
  lessons:
    - id: retro
      action: notify.slack
      with: { channel: "#sec-incidents", text: "retro" }
`);

describe('truthful phases, resolution and lessons', () => {
  it('steps that are planned or not applied move no KPI timestamp; the incident is resolved and closed only by a person', async () => {
    const taskQueue = uniqueTaskQueue('kpi');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const dry = await (await startIncident(client, taskQueue, containRecover, alert(), { dryRun: true })).result();
      expect(dry.status).toBe('planned');
      expect(Object.keys(dry.times).sort()).toEqual(['createdAt', 'detectedAt']);

      const handle = await startIncident(client, taskQueue, containRecover, alert());
      await expect.poll(async () => (await state(handle)).status, { timeout: 20_000 }).toBe('waiting');
      await act(handle, { action: 'skip', by: 'olga', text: 'nothing to disable' });
      await expect.poll(async () => (await state(handle)).awaiting, { timeout: 20_000 }).toBe('resolution');
      const waiting = await state(handle);
      // Contain had nothing applied at the peer: not contained. Recover's message was applied.
      expect(waiting.times.containedAt).toBeUndefined();
      expect(waiting.times.recoveredAt).toBe(waiting.steps.tell!.finishedAt);
      expect(waiting.status).toBe('recovered');
      expect(waiting.steps.retro!.status).toBe('pending');
      expect(await refusalOf(handle.executeUpdate(lessonsUpdate, { args: [{ by: 'olga', cause: 'c', impact: 'i', followUps: [] }] }))).toMatch(/once it is resolved/);
      expect(await refusalOf(handle.executeUpdate(resolveUpdate, { args: [{ by: 'olga', summary: ' ' }] }))).toMatch(/needs a summary/);

      expect(await handle.executeUpdate(resolveUpdate, { args: [{ by: 'olga', summary: 'key was already gone' }] })).toBeDefined();
      await expect.poll(async () => (await state(handle)).awaiting, { timeout: 20_000 }).toBe('lessons');
      const resolved = await state(handle);
      expect(resolved).toMatchObject({ status: 'resolved', resolution: { by: 'olga', summary: 'key was already gone' } });
      expect(resolved.times.resolvedAt).toBe(resolved.resolution!.at);
      expect(resolved.steps.retro!.status).toBe('applied');
      await handle.executeUpdate(lessonsUpdate, { args: [{ by: 'olga', cause: 'a stale alert', impact: 'none', followUps: ['tune the detector'] }] });
      const final = await handle.result();
      expect(final).toMatchObject({ status: 'closed', phase: 'done', lessons: { by: 'olga', cause: 'a stale alert', followUps: ['tune the detector'] } });
      expect(final.times.closedAt).toBeDefined();
    });
  });

  it('a contained time is when the last containment step was applied at the peer', async () => {
    const user = await seedUser(iam, 'truth-kpi', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const pb = playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: truth-kpi, accessKeyId: "${user.accessKeys[0]!.accessKeyId}" }
`);
    const deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };
    const taskQueue = uniqueTaskQueue('contained');
    await withWorker({ providers: deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, pb, alert()));
      expect(final.steps.disable_key!.status).toBe('applied');
      expect(final.times.containedAt).toBe(final.steps.disable_key!.finishedAt);
      expect(final.status).toBe('closed');
    });
  });

  it('autoResolve is refused for a playbook that is not severity info, and resolves an info incident whose steps completed', async () => {
    const refused = loadPlaybookText('x.yaml', `${HEADER}autoResolve: true\nphases: {}\n`);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.map((p) => `${p.field}: ${p.message}`).join()).toMatch(/autoResolve: autoResolve is allowed for severity info only/);
    const info = playbook(`${HEADER.replace('severity: high', 'severity: info')}autoResolve: true
phases:
  detect:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "fyi" }
`);
    const taskQueue = uniqueTaskQueue('auto');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, info, alert({ severity: 'info' }));
      await expect.poll(async () => (await state(handle)).awaiting, { timeout: 20_000 }).toBe('lessons');
      expect((await state(handle)).resolution).toMatchObject({ auto: true, by: 'playbook:test-playbook' });
      await handle.executeUpdate(lessonsUpdate, { args: [{ by: 'olga', cause: 'informational', impact: 'none', followUps: [] }] });
      expect((await handle.result()).status).toBe('closed');
    });
  });
});
