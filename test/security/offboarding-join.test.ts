/**
 * A second request for a person with an offboarding running (issue #14, point 3): only an
 * identical request joins; a live request supersedes a parked dry run; a scheduled offboarding is
 * brought forward, never later; anything else is 409 and changes nothing. Real stack: setupApi
 * over warden.yaml, the dev server, moto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffboardingState } from '../../contracts/offboarding.js';
import { startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let before: Awaited<ReturnType<OffboardingStack['holdings']>>;
let path = '';
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const stateOf = async () => (await (await s.as('vera', 'GET', path)).json()) as OffboardingState;
const request = (over: Record<string, unknown>) => s.as('hana', 'POST', '/v1/offboardings', { person: s.leaver.person.id, reason: 'left the company', ...over });
const conflict = async (res: Response, message: string) => {
  expect(res.status).toBe(409);
  expect(((await res.json()) as { error: string }).error).toContain(message);
};
const dryAt = inHours(1);
const liveAt = inHours(2);

beforeAll(async () => {
  s = await startOffboardingStack('off-join');
  path = `/v1/offboardings/${s.leaver.person.id}`;
  before = await s.holdings();
}, 120_000);
afterAll(async () => s?.close());

describe('a second offboarding request', () => {
  it('joins a parked dry run only when identical; a dry run for another time is 409', async () => {
    expect(await (await request({ dry_run: true, effective_at: dryAt })).json()).toMatchObject({ joined: false, dryRun: true, approvalRequired: false });
    expect(await (await request({ dry_run: true, effective_at: dryAt })).json()).toMatchObject({ joined: true });
    await conflict(await request({ dry_run: true, effective_at: inHours(5) }), `a dry run of ${s.leaver.person.id} is already scheduled for ${dryAt}`);
    expect(await stateOf()).toMatchObject({ dryRun: true, phase: 'scheduled', times: { effectiveAt: dryAt } });
  });

  it('a live request supersedes the parked dry run (which ends cancelled) and starts for real', async () => {
    const res = await request({ effective_at: liveAt });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ joined: false, dryRun: false, approvalRequired: true });
    expect(await stateOf()).toMatchObject({ dryRun: false, phase: 'scheduled', times: { effectiveAt: liveAt } });
    const runs = [];
    for await (const wf of s.client.workflow.list({ query: `WorkflowId = 'offboarding-${s.leaver.person.id}'` })) runs.push(wf.status.name);
    expect(runs.sort()).toEqual(['COMPLETED', 'RUNNING']);
  });

  it('a dry run or a later time does not join the live one: 409, nothing moves', async () => {
    await conflict(await request({ dry_run: true, effective_at: liveAt }), 'a live offboarding of');
    await conflict(await request({ effective_at: inHours(3) }), 'does not move it later');
    expect((await stateOf()).times.effectiveAt).toBe(liveAt);
    expect(await s.holdings()).toEqual(before);
  });

  it('a live request for now brings it forward; once a second person approves, moto’s keys are gone', async () => {
    const res = await request({});
    expect(res.status).toBe(202);
    const body = (await res.json()) as { joined: boolean; rescheduledTo: string };
    expect(body.joined).toBe(true);
    expect(Date.parse(body.rescheduledTo)).toBeLessThanOrEqual(Date.now());
    await expect.poll(async () => (await stateOf()).timeline.map((t) => t.event), { timeout: 15_000 }).toContain('waiting for a second person to approve (neither the requester nor the subject)');
    expect(await s.holdings()).toEqual(before);
    expect((await s.as('harry', 'POST', `${path}/approve`, {})).status).toBe(200);
    await expect.poll(async () => (await s.holdings()).keys, { timeout: 30_000 }).toEqual([]);
  });
});
