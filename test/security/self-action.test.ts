/**
 * No one acts on a workflow about themselves (issue #14, point 4), matched through the directory
 * (the caller's identity → person): the subject of an offboarding may not cancel, waive, retry or
 * put a legal hold on it, and the principal an incident's alert names may not cancel it or decide
 * its approvals. Real stack: setupApi over warden.yaml, the dev server, moto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStateQuery } from '../../contracts/incident.js';
import type { OffboardingState } from '../../contracts/offboarding.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { alert, startIncident } from '../helpers/incident.js';
import { startOffboardingStack, type OffboardingStack } from './offboarding-stack.js';

let s: OffboardingStack;
let before: Awaited<ReturnType<OffboardingStack['holdings']>>;
let path = '';
const leaked = loadPlaybooks(['playbooks']).playbooks.find((p) => p.playbook.id === 'leaked-credential')!;
const stateOf = async () => (await (await s.as('vera', 'GET', path)).json()) as OffboardingState;
const refusal = async (res: Response, doing: string) => {
  expect(res.status).toBe(403);
  expect(((await res.json()) as { error: string }).error).toBe(`${s.leaver.person.id} may not ${doing}: it is about themselves (no one acts on a workflow about themselves)`);
};

beforeAll(async () => {
  s = await startOffboardingStack('self-action');
  path = `/v1/offboardings/${s.leaver.person.id}`;
  before = await s.holdings();
}, 120_000);
afterAll(async () => s?.close());

describe('the subject of an offboarding', () => {
  it('may not cancel, put a legal hold on, retry or waive their own offboarding (403); nothing changes', async () => {
    const effective_at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await s.as('hana', 'POST', '/v1/offboardings', { person: s.leaver.person.id, reason: 'left the company', effective_at })).status).toBe(202);
    await refusal(await s.as('leaver', 'POST', `${path}/cancel`, { reason: 'I am staying' }), 'cancel offboardings on this offboarding');
    await refusal(await s.as('leaver', 'POST', `${path}/legal-hold`, { hold: true, reason: 'keep my user' }), 'set legal holds on this offboarding');
    await refusal(await s.as('leaver', 'POST', `${path}/retry`, {}), 'retry offboarding items on this offboarding');
    await refusal(await s.as('leaver', 'POST', `${path}/waive`, { item: 'x', reason: 'done' }), 'waive offboarding items on this offboarding');
    const state = await stateOf();
    expect(state).toMatchObject({ phase: 'scheduled', legalHold: { active: false, changes: [] } });
    expect(state.cancel).toBeUndefined();
    expect(await s.holdings()).toEqual(before);
  });

  it('someone else may still cancel it', async () => {
    expect((await s.as('olga', 'POST', `${path}/cancel`, { reason: 'resignation withdrawn' })).status).toBe(202);
  });
});

describe('the principal an incident names', () => {
  it('may not cancel the incident (with rollback), decide its approvals, acknowledge or triage it (403); the incident and moto are unchanged', async () => {
    const user = s.leaver.person.aws[0]!.userName;
    const subject = alert({ type: 'credential.leaked', severity: 'critical', principal: { aws_user: user, aws_access_key_id: s.leaver.iam.accessKeys[0]!.accessKeyId } });
    const handle = await startIncident(s.client, s.worker.taskQueue, leaked, subject);
    const id = handle.workflowId.replace(/^incident-/, '');
    await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.quarantine_user?.status, { timeout: 30_000 }).toBe('awaiting-approval');
    const held = await s.holdings();
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/cancel`, { reason: 'false positive', rollback: true }), 'cancel this incident');
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/approvals/quarantine_user`, { decision: 'reject', reason: 'not me' }), 'decide approvals on this incident');
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/acknowledge`, {}), 'acknowledge this incident');
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/false-positive`, { reason: 'it was me, all fine' }), 'mark this incident a false positive');
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/merge`, { into: 'inc-elsewhere' }), 'merge this incident');
    await refusal(await s.as('leaver', 'POST', `/v1/incidents/${id}/playbook`, { playbook: 'triage' }), 'start a playbook in this incident');
    const after = await handle.query(incidentStateQuery);
    expect(after.cancel).toBeUndefined();
    expect(after.acknowledged).toBeUndefined();
    expect(after.falsePositive).toBeUndefined();
    expect(after.steps.quarantine_user).toMatchObject({ status: 'awaiting-approval', approval: { votes: [] } });
    expect(await s.holdings()).toEqual(held);
    expect((await s.as('olga', 'POST', `/v1/incidents/${id}/cancel`, { reason: 'handled elsewhere' })).status).toBe(202);
    await handle.terminate('test over').catch(() => undefined);
  });
});
