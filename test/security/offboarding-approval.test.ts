/**
 * A live offboarding needs a second person's approval (issue #14, point 2): neither the
 * requester nor the subject may give it, and until it is given nothing is revoked at moto.
 * Runs on the real stack: setupApi over warden.yaml, the dev server, moto.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { offboardCommand } from '../../cli/commands/offboard.js';
import type { OffboardingState } from '../../contracts/offboarding.js';
import { startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let before: Awaited<ReturnType<OffboardingStack['holdings']>>;
let path = '';
const stateOf = async () => (await (await s.as('vera', 'GET', path)).json()) as OffboardingState;

beforeAll(async () => {
  s = await startOffboardingStack('off-approval');
  path = `/v1/offboardings/${s.leaver.person.id}`;
  before = await s.holdings();
}, 120_000);
afterAll(async () => s?.close());

describe('a live offboarding waits for a second person', () => {
  it('an hr request starts it waiting for approval; nothing is revoked meanwhile', async () => {
    const res = await s.as('hana', 'POST', '/v1/offboardings', { person: s.leaver.person.id, reason: 'left the company' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ joined: false, dryRun: false, approvalRequired: true });
    await expect.poll(async () => (await stateOf()).timeline.map((t) => t.event), { timeout: 15_000 }).toContain('waiting for a second person to approve (neither the requester nor the subject)');
    expect(await stateOf()).toMatchObject({ phase: 'scheduled', approval: { required: true }, items: [] });
  });

  it('the requester approving their own request: 403', async () => {
    const res = await s.as('hana', 'POST', `${path}/approve`, {});
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('hana may not approve an offboarding they requested: a second person approves');
  });

  it('the subject approving their own offboarding: 403 (matched through the directory)', async () => {
    const res = await s.as('leaver', 'POST', `${path}/approve`, { reason: 'fine by me' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe(`${s.leaver.person.id} may not approve their own offboarding`);
  });

  it('a viewer or a responder cannot approve: 403', async () => {
    expect((await s.as('vera', 'POST', `${path}/approve`, {})).status).toBe(403);
    expect((await s.as('olga', 'POST', `${path}/approve`, {})).status).toBe(403);
  });

  it('after the refusals nothing changed at moto and the offboarding still waits', async () => {
    expect(await s.holdings()).toEqual(before);
    const state = await stateOf();
    expect(state.approval?.approved).toBeUndefined();
    expect(state.items).toEqual([]);
  });

  it('a second hr person approves (warden offboard approve), then the keys are revoked at moto', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.stubEnv('WARDEN_URL', s.url);
    vi.stubEnv('WARDEN_TOKEN', s.token('harry'));
    try {
      expect(await offboardCommand(['approve', s.leaver.person.id], { reason: 'confirmed with the manager' })).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(out.join('')).toContain(`approved the offboarding of ${s.leaver.person.id}`);
    await expect.poll(async () => (await s.holdings()).keys, { timeout: 30_000 }).toEqual([]);
    const state = await stateOf();
    expect(state.approval?.approved).toMatchObject({ by: 'harry', reason: 'confirmed with the manager' });
    expect((await s.as('adam', 'POST', `${path}/approve`, {})).status).toBe(409);
  });
});
