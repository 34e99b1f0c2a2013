import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { incidentStateQuery } from '../../contracts/incident.js';
import { startPeers } from '../helpers/incident.js';
import { postAlert, startIntake, tokens } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => client.connection.close());

const base = () => ({ type: 'credential.leaked', severity: 'high', title: 'key in repo', source: `test-${randomUUID().slice(0, 6)}`, fingerprint: `fp-${randomUUID()}` });

describe('alert intake', () => {
  it('routes by trigger, answers 202 after Temporal kept the alert, and redacts secrets before storing', async () => {
    const intake = await startIntake(client);
    try {
      const res = await postAlert(intake.url, { ...base(), details: { leaked: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', password: 'hunter2' } });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { incidentId: string; workflowId: string; playbook: string; deduplicated: boolean; redactions: number };
      expect(body).toMatchObject({ playbook: 'leaked-credential', deduplicated: false });
      expect(body.redactions).toBeGreaterThanOrEqual(2);
      const desc = await client.workflow.getHandle(body.workflowId).describe();
      expect(desc.taskQueue).toBe(intake.taskQueue);
      const history = JSON.stringify(await (await suiteClient()).workflow.getHandle(body.workflowId).fetchHistory());
      expect(history).not.toContain('hunter2');
      const unmatched = await postAlert(intake.url, { ...base(), type: 'nothing.matches' });
      expect(((await unmatched.json()) as { playbook: string }).playbook).toBe('triage');
    } finally {
      intake.close();
    }
  });

  it('200 concurrent posts of one fingerprint make exactly one incident holding all 200', async () => {
    const intake = await startIntake(client);
    try {
      const fingerprint = `fp-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          postAlert(intake.url, { ...base(), source: 'burst', fingerprint, title: `dup ${i}` }).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { workflowId: string; deduplicated: boolean },
          })),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(200).fill(202));
      const ids = new Set(results.map((r) => r.body.workflowId));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => !r.body.deduplicated)).toHaveLength(1);
      const workflowId = [...ids][0]!;
      await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async () => {
        await expect.poll(async () => (await client.workflow.getHandle(workflowId).query(incidentStateQuery)).alerts.count, { timeout: 30_000 }).toBe(200);
      });
    } finally {
      intake.close();
    }
  });

  it('an alert for a closed incident opens a new incident linked to the old one', async () => {
    const intake = await startIntake(client);
    try {
      const fingerprint = `fp-${randomUUID()}`;
      const first = (await (await postAlert(intake.url, { ...base(), type: 'unknown.thing', fingerprint })).json()) as { workflowId: string; incidentId: string };
      await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async () => {
        await client.workflow.getHandle(first.workflowId).result();
      });
      const second = (await (await postAlert(intake.url, { ...base(), type: 'unknown.thing', fingerprint })).json()) as {
        workflowId: string;
        incidentId: string;
        linkedIncidentId: string;
        deduplicated: boolean;
      };
      expect(second.incidentId).toBe(`${first.incidentId}-2`);
      expect(second).toMatchObject({ linkedIncidentId: first.incidentId, deduplicated: false });
    } finally {
      intake.close();
    }
  });

  it('rate-limits per sender credential with 429 and Retry-After, whatever `source` the alert names', async () => {
    const intake = await startIntake(client, { perMinute: 2, burst: 10 });
    try {
      const run = randomUUID().slice(0, 4);
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push((await postAlert(intake.url, { ...base(), source: `noisy-${run}`, fingerprint: `rl-${run}-${i}` })).status);
      expect(statuses).toEqual(Array(10).fill(202));
      const limited = await postAlert(intake.url, { ...base(), source: `another-${run}`, fingerprint: `rl-other-${run}` });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      intake.close();
    }
  });
});

describe('incident API authorization', () => {
  it('no token 401; a viewer may read but not approve (403); a responder outside the step groups gets 403 with the reason', async () => {
    const intake = await startIntake(client);
    // Every peer but AWS: the steps before the approval apply, the approved one cannot.
    const peers = await startPeers();
    try {
      const res = await postAlert(intake.url, { ...base(), severity: 'critical', fingerprint: `authz-${randomUUID()}`, principal: { aws_user: 'dana' } }, {}, '?dry_run=false');
      const incident = (await res.json()) as { incidentId: string; workflowId: string };
      await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
        await expect.poll(async () => (await client.workflow.getHandle(incident.workflowId).query(incidentStateQuery)).steps.quarantine_user?.status, { timeout: 20_000 }).toBe('awaiting-approval');
        const approve = (token?: string, reason = 'confirmed with the owner') =>
          fetch(`${intake.url}/v1/incidents/${incident.incidentId}/approvals/quarantine_user`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify({ decision: 'approve', reason }),
          });
        expect((await approve()).status).toBe(401);
        expect((await approve('tok-nope')).status).toBe(401);
        expect((await fetch(`${intake.url}/v1/incidents/${incident.incidentId}`, { headers: { authorization: `Bearer ${tokens.viewer}` } })).status).toBe(200);
        const viewer = await approve(tokens.viewer);
        expect(viewer.status).toBe(403);
        expect(((await viewer.json()) as { error: string }).error).toMatch(/needs role responder/);
        const wrongGroup = await approve(tokens.mlops);
        expect(wrongGroup.status).toBe(403);
        expect(((await wrongGroup.json()) as { error: string }).error).toMatch(/not in an allowed group: mo is in none of security-oncall/);
        // A destructive step: approving it must say why (400 naming the field).
        const noReason = await approve(tokens.oncall, '');
        expect(noReason.status).toBe(400);
        expect(((await noReason.json()) as { details: { path: string }[] }).details[0]!.path).toBe('reason');
        const ok = await approve(tokens.oncall);
        expect(ok.status).toBe(200);
        expect(((await ok.json()) as { approval: { votes: { approver: string; via: string }[] } }).approval.votes[0]).toMatchObject({ approver: 'olga', via: 'api' });
        // Four-eyes on an alert-opened incident: a second person is needed.
        expect((await approve(tokens.oncall2)).status).toBe(200);
        // AWS is not configured for this worker: the approved step is not applied, and says why.
        await expect.poll(async () => (await client.workflow.getHandle(incident.workflowId).query(incidentStateQuery)).steps.quarantine_user?.status).toBe('not_applied');
        const step = (await client.workflow.getHandle(incident.workflowId).query(incidentStateQuery)).steps.quarantine_user!;
        expect(step.notApplied).toMatchObject({ reason: 'provider-not-configured', message: 'aws not configured' });
        const again = await approve(tokens.oncall);
        expect(again.status).toBe(409);
        const missing = await fetch(`${intake.url}/v1/incidents/inc-doesnotexist`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
        expect(missing.status).toBe(404);
      });
    } finally {
      intake.close();
      await peers.close();
    }
  });
});
