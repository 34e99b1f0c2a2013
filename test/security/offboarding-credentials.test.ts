/**
 * Starting an offboarding (issue #14, point 1): only an API token whose role is a start role
 * (hr, admin) starts one, and the requester is that token's person. The alert senders' secret,
 * as an HMAC signature or as the Alertmanager/GuardDuty bearer, a viewer's and a responder's
 * token are refused; Temporal has no offboarding workflow and moto's IAM user is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { ALERT_SECRET, expectRefused, startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let before: Awaited<ReturnType<OffboardingStack['holdings']>>;
const request = () => ({ person: s.leaver.person.id, reason: 'left the company' });

beforeAll(async () => {
  s = await startOffboardingStack('off-creds');
  before = await s.holdings();
  expect(before.keys).toHaveLength(2);
}, 120_000);
afterAll(async () => s?.close());

describe('POST /v1/offboardings refuses every credential but a start role’s API token', () => {
  it('the alert senders’ HMAC signature, without a token: 401', async () => {
    const text = JSON.stringify(request());
    await expectRefused(s, await s.as({}, 'POST', '/v1/offboardings', text, signedHeaders(ALERT_SECRET, { method: 'POST', path: '/v1/offboardings', body: text })), 401, /authentication required/);
  });

  it('the Alertmanager / GuardDuty bearer secret: 401', async () => {
    await expectRefused(s, await s.as({ authorization: `Bearer ${ALERT_SECRET}` }, 'POST', '/v1/offboardings', request()), 401, /unknown or revoked token/);
  });

  it('a viewer’s and a responder’s token: 403, naming the roles that may', async () => {
    await expectRefused(s, await s.as('vera', 'POST', '/v1/offboardings', request()), 403, 'vera may not start offboardings: needs one of the roles hr, admin (has viewer)');
    await expectRefused(s, await s.as('olga', 'POST', '/v1/offboardings', request()), 403, /olga may not start offboardings/);
  });

  it('a requested_by in the body: 400 naming the field, even with an hr token', async () => {
    const res = await s.as('hana', 'POST', '/v1/offboardings', { ...request(), requested_by: 'ceo' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown[] }).details).toEqual([
      { path: 'requested_by', message: expect.stringContaining('the requester is the person whose API token sends the request') as unknown },
    ]);
    expect(await s.started()).toBe(false);
  });

  it('nothing changed at moto after the refusals', async () => {
    expect(await s.holdings()).toEqual(before);
  });

  it('an hr token starts it, recorded as requested by that person', async () => {
    const res = await s.as('hana', 'POST', '/v1/offboardings', { ...request(), dry_run: true });
    expect(res.status).toBe(202);
    const state = (await (await s.as('hana', 'GET', `/v1/offboardings/${s.leaver.person.id}`)).json()) as { requestedBy: string };
    expect(state.requestedBy).toBe('hana');
  });
});
