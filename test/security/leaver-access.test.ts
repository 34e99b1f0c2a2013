/**
 * The leaver's own Warden access (issue #14, point 5): revoking it is the first item of every
 * offboarding and is in the report; from then on the leaver's API token gets 401 ("revoked"),
 * whichever server asks (the record is the offboarding's memo in Temporal). Real stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffboardingState } from '../../contracts/offboarding.js';
import { startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let path = '';

beforeAll(async () => {
  s = await startOffboardingStack('leaver-access');
  path = `/v1/offboardings/${s.leaver.person.id}`;
}, 120_000);
afterAll(async () => s?.close());

describe('the leaver’s Warden API token', () => {
  it('works before the offboarding, and gets 401 (revoked) once it has run; others’ tokens still work', async () => {
    expect((await s.as('leaver', 'GET', '/v1/incidents')).status).toBe(200);
    expect((await s.as('hana', 'POST', '/v1/offboardings', { person: s.leaver.person.id, reason: 'left the company' })).status).toBe(202);
    expect((await s.as('leaver', 'GET', '/v1/incidents')).status).toBe(200);
    expect((await s.as('harry', 'POST', `${path}/approve`, {})).status).toBe(200);
    await expect.poll(async () => (await s.as('leaver', 'GET', '/v1/incidents')).status, { timeout: 30_000, interval: 500 }).toBe(401);
    const refused = await s.as('leaver', 'POST', `${path}/cancel`, { reason: 'let me back in' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe(`revoked token: the Warden access of ${s.leaver.person.id} was revoked by offboarding-${s.leaver.person.id}`);
    expect((await s.as('vera', 'GET', '/v1/incidents')).status).toBe(200);
  });

  it('is the first item of the offboarding, done, and listed in the report', async () => {
    const state = (await (await s.as('vera', 'GET', path)).json()) as OffboardingState;
    expect(state.items[0]).toMatchObject({ id: `warden/${s.leaver.person.id}/access`, provider: 'warden', action: 'warden.revokeAccess', status: 'done', outcome: 'changed' });
    const report = (await (await s.as('vera', 'GET', `${path}/report`)).json()) as { credentials: { item: string }[] };
    expect(report.credentials[0]?.item).toBe(`warden/${s.leaver.person.id}/access`);
  });
});
