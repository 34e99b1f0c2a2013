import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardingCancelUpdate, offboardingLegalHoldUpdate, type OffboardingInput, type OffboardingState } from '../../contracts/offboarding.js';
import { createTimeSkippingEnv, startWorker, type TestWorker } from '../harness.js';
import { iamHoldings, inputFor, offboardingDeps, seedDeparting, startOffboarding, startWorld, stateOf, storedReport, waitForState, type OffboardingWorld } from './fixture.js';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let w: OffboardingWorld;
let worker: TestWorker;

beforeAll(async () => {
  [env, w] = await Promise.all([createTimeSkippingEnv(), startWorld()]);
  worker = await startWorker(offboardingDeps(w.deps), { env, name: 'offboard-time' });
}, 120_000);
afterAll(async () => {
  await worker?.shutdown();
  await w?.close();
  await env?.teardown();
});

const start = (input: OffboardingInput) => startOffboarding(env.client, worker.taskQueue, input);
const untouched = { exists: true, loginProfile: true, inline: [expect.any(String)], ssh: [expect.any(String)] };

describe('effective time and retention, on the time-skipping server', () => {
  it('a future effective time waits: nothing is revoked before it, everything after', async () => {
    const d = await seedDeparting(w);
    const effectiveAt = new Date((await env.currentTimeMs()) + 2 * DAY).toISOString();
    const handle = await start(inputFor(d, { effectiveAt }));
    await waitForState(handle, (s) => s.phase === 'scheduled');
    await env.sleep(DAY);
    expect(await stateOf(handle)).toMatchObject({ phase: 'scheduled', items: [] });
    expect(await iamHoldings(w.admin, d.person.id)).toMatchObject({ ...untouched, keys: d.iam.accessKeys.map((k) => `${k.accessKeyId}:Active`) });

    await env.sleep(DAY + 60_000);
    const state = await waitForState(handle, (s) => s.phase === 'retention');
    expect(Date.parse(state.times.revocationStartedAt!)).toBeGreaterThanOrEqual(Date.parse(effectiveAt));
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: true, keys: [], loginProfile: false, mfa: [], groups: [], policies: ['WardenQuarantine'], inline: [], ssh: [] });
    await handle.terminate('test done');
  });

  it('cancelling while it waits for the effective time revokes nothing', async () => {
    const d = await seedDeparting(w);
    const handle = await start(inputFor(d, { effectiveAt: new Date((await env.currentTimeMs()) + 3 * DAY).toISOString() }));
    await waitForState(handle, (s) => s.phase === 'scheduled');
    await handle.executeUpdate(offboardingCancelUpdate, { args: [{ by: 'hr-lead', reason: 'resignation withdrawn' }] });
    const final = await handle.result();
    expect(final).toMatchObject({ phase: 'cancelled', items: [], cancel: { by: 'hr-lead', reason: 'resignation withdrawn' } });
    await expect(handle.executeUpdate(offboardingCancelUpdate, { args: [{ by: 'x', reason: 'again' }] })).rejects.toThrow();
    expect(await iamHoldings(w.admin, d.person.id)).toMatchObject({ ...untouched, keys: d.iam.accessKeys.map((k) => `${k.accessKeyId}:Active`) });
  });

  it('without a legal hold, the IAM user is deleted once the retention period is over (across continue-as-new)', async () => {
    const d = await seedDeparting(w);
    const handle = await start(inputFor(d, { retentionDays: 30, limits: { continueAsNewAfterEvents: 60 } }));
    const final: OffboardingState = await handle.result();
    expect(final).toMatchObject({ phase: 'done', retention: { status: 'deleted' } });
    expect(final.runs).toBeGreaterThanOrEqual(2);
    expect(Date.parse(final.retention.finishedAt!) - Date.parse(final.times.notifiedAt!)).toBeGreaterThanOrEqual(30 * DAY);
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: false });
    const { json } = storedReport(w.peers.evidenceDir, final, 'final');
    expect(json.credentials.find((c) => c.item.endsWith('/delete-user'))).toMatchObject({ result: 'revoked', before: { exists: true }, after: { exists: false } });
  });

  it('a legal hold keeps the IAM user past the retention period, recorded with who and why; lifting it deletes the user', async () => {
    const d = await seedDeparting(w);
    const handle = await start(inputFor(d, { retentionDays: 30 }));
    // Set while the revocation runs; the retention wait begins with the hold already on.
    await waitForState(handle, (s) => s.phase !== 'scheduled');
    await handle.executeUpdate(offboardingLegalHoldUpdate, { args: [{ hold: true, by: 'legal-counsel', reason: 'litigation hold, case 2025-17' }] });
    await waitForState(handle, (s) => s.retention.status === 'waiting');
    await env.sleep(31 * DAY);
    const held = await waitForState(handle, (s) => s.retention.status === 'held');
    expect(held.legalHold).toEqual({ active: true, changes: [expect.objectContaining({ hold: true, by: 'legal-counsel', reason: 'litigation hold, case 2025-17' })] });
    expect(await iamHoldings(w.admin, d.person.id)).toMatchObject({ exists: true, policies: ['WardenQuarantine'] });

    await handle.executeUpdate(offboardingLegalHoldUpdate, { args: [{ hold: false, by: 'legal-counsel', reason: 'case closed' }] });
    const final = await handle.result();
    expect(final).toMatchObject({ phase: 'done', retention: { status: 'deleted' }, legalHold: { active: false } });
    expect(final.legalHold.changes.map((c) => `${c.hold ? 'set' : 'lifted'} by ${c.by}: ${c.reason}`)).toEqual([
      'set by legal-counsel: litigation hold, case 2025-17',
      'lifted by legal-counsel: case closed',
    ]);
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: false });
  });
});
