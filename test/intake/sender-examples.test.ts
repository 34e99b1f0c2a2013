import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { incidentWorkflowId } from '../../contracts/incident.js';
import { incidentIdFor } from '../../server/intake/ingest.js';
import { postAlert, senderHeaders, startIntake, type IntakeServer } from '../helpers/intake.js';
import { suiteClient } from '../harness.js';

/**
 * Each adapter on its sender's own published examples, posted through the real routes over real
 * HTTP, authenticated as the sender does (GitHub: X-Hub-Signature-256; Alertmanager and
 * EventBridge: a bearer token). No worker runs: what is checked is what the intake recorded at
 * Temporal (which workflows exist, with which memo), never a mock.
 */
const require = createRequire(import.meta.url);
type Example = { name: string; examples: Record<string, unknown>[] };
const DIRS = ['api.github.com', 'ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35'];
const examples = (name: string): { dir: string; payload: Record<string, unknown> }[] =>
  DIRS.flatMap((dir) => ((require(`@octokit/webhooks-examples/${dir}/index.json`) as Example[]).find((e) => e.name === name)?.examples ?? []).map((payload) => ({ dir, payload })));

let client: Client;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
});
afterAll(async () => {
  intake.close();
  await client.connection.close();
});

/** Posts as the route's real sender does: its own credential (and for GitHub the event name). */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const raw = JSON.stringify(body);
  return fetch(`${intake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...senderHeaders(path, raw), ...headers }, body: raw });
};
const github = (event: string, body: unknown) => post('/v1/alerts/github-secret-scanning', body, { 'x-github-event': event });
const exists = (workflowId: string): Promise<boolean> =>
  client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );

describe('GitHub: @octokit/webhooks-examples 7.6.1 through the route', () => {
  it('accepts every secret_scanning_alert and secret_scanning_alert_location example (GHES shapes included)', async () => {
    const all = [
      ...examples('secret_scanning_alert').map((e) => ({ ...e, event: 'secret_scanning_alert' })),
      ...examples('secret_scanning_alert_location').map((e) => ({ ...e, event: 'secret_scanning_alert_location' })),
    ];
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const { dir, event, payload } of all) {
      const res = await github(event, payload);
      const body = (await res.json()) as { accepted: { playbook: string; correlation: string }[]; skipped: { reason: string }[] };
      expect([200, 202], `${dir} ${event}.${String(payload.action)}: ${JSON.stringify(body)}`).toContain(res.status);
      if (payload.action === 'reopened') expect(body.accepted).toMatchObject([{ playbook: 'leaked-credential', correlation: 'github-secret:Codertocat/Hello-World#191' }]);
    }
  });

  it('answers the other security events with a documented 400 naming the header, never a 5xx', async () => {
    for (const name of ['code_scanning_alert', 'dependabot_alert', 'repository_vulnerability_alert', 'push']) {
      for (const { payload } of examples(name)) {
        const res = await github(name, payload);
        expect(res.status, name).toBe(400);
        expect(await res.text()).toContain('X-GitHub-Event');
      }
    }
    expect((await github('ping', { zen: 'Design for failure.', hook_id: 1 })).status).toBe(200);
  });

  it('joins validated and resolved events of the same alert to its incident, recording who resolved it', async () => {
    const { payload } = examples('secret_scanning_alert').filter((e) => e.dir === 'ghes-35')[0]!;
    const repository = { ...(payload.repository as object), full_name: `example-org/r-${randomUUID().slice(0, 8)}` };
    const opened = (await (await github('secret_scanning_alert', { ...payload, repository })).json()) as { accepted: { incidentId: string }[] };
    const incidentId = opened.accepted[0]!.incidentId;
    const validated = (await (await github('secret_scanning_alert', { ...payload, repository, action: 'validated' })).json()) as { accepted: unknown[] };
    expect(validated.accepted).toMatchObject([{ incidentId, deduplicated: true }]);
    const alert = { ...(payload.alert as object), resolution: 'revoked', resolved_at: '2025-03-14T15:30:00Z', resolved_by: { login: 'sec-oncall' } };
    const resolved = (await (await github('secret_scanning_alert', { ...payload, repository, alert, action: 'resolved' })).json()) as { accepted: unknown[] };
    expect(resolved.accepted).toMatchObject([{ incidentId, resolved: { at: '2025-03-14T15:30:00Z', by: 'sec-oncall' } }]);
    expect(await exists(incidentWorkflowId(`${incidentId}-2`))).toBe(false);
  });
});

describe('resolutions and follow-ups never start anything (the attack: a forged or late "resolved")', () => {
  it('a resolved Alertmanager alert with no open incident: 200 "nothing to resolve", no workflow', async () => {
    const fingerprint = randomUUID().slice(0, 16);
    const body = { version: '4', status: 'resolved', alerts: [{ status: 'resolved', labels: { alertname: 'Gone' }, fingerprint, startsAt: '2025-03-14T10:00:00Z', endsAt: '2025-03-14T10:05:00Z' }] };
    const res = await post('/v1/alerts/alertmanager', body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: [], skipped: [{ reason: expect.stringContaining('nothing to resolve') as unknown }] });
    expect(await exists(incidentWorkflowId(incidentIdFor(`alertmanager:${fingerprint}`, 1, true)))).toBe(false);
  });

  it('a GitHub resolved or validated event for an alert with no incident: 200, no workflow', async () => {
    const { payload } = examples('secret_scanning_alert')[0]!;
    const repository = { ...(payload.repository as object), full_name: `example-org/none-${randomUUID().slice(0, 8)}` };
    for (const action of ['resolved', 'validated']) {
      const res = await github('secret_scanning_alert', { ...payload, repository, action });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { accepted: unknown[] }).accepted).toEqual([]);
    }
    expect(await exists(incidentWorkflowId(incidentIdFor(`github-secret:${repository.full_name}#191`, 1, true)))).toBe(false);
  });

  it('a generic alert may not set the correlation or routing Warden sets: 400 naming them, nothing started', async () => {
    const fingerprint = `fp-${randomUUID()}`;
    const res = await postAlert(intake.url, { type: 'credential.leaked', severity: 'high', title: 't', source: 's', fingerprint, correlation: 'x', routing: { playbook: 'triage', reason: 'r' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/correlation.*routing|routing.*correlation/);
    expect(await exists(incidentWorkflowId(incidentIdFor(fingerprint, 1, true)))).toBe(false);
  });

  it('a generic resolved alert with no open incident answers "nothing to resolve"', async () => {
    const fingerprint = `fp-${randomUUID()}`;
    const res = await postAlert(intake.url, { type: 'credential.leaked', severity: 'high', title: 't', source: 's', fingerprint, status: 'resolved' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: 'nothing to resolve', correlation: fingerprint });
    expect(await exists(incidentWorkflowId(incidentIdFor(fingerprint, 1, true)))).toBe(false);
  });
});

describe('GuardDuty: the main finding families, routed by documented rules with the reason', () => {
  type Case = { expect: { playbook: string; category: string | null }; event: { detail: Record<string, unknown> } };
  const { cases } = JSON.parse(readFileSync(new URL('../fixtures/alerts/guardduty-families.json', import.meta.url), 'utf8')) as { cases: Case[] };

  it('routes each family to its playbook and shows why on the incident', async () => {
    for (const c of cases) {
      const id = `${String(c.event.detail.id)}-${randomUUID().slice(0, 8)}`;
      const res = await post('/v1/alerts/guardduty', { ...c.event, detail: { ...c.event.detail, id } });
      const body = (await res.json()) as { accepted: { playbook: string; routing: string; workflowId: string }[] };
      expect(res.status, JSON.stringify(body)).toBe(202);
      const [accepted] = body.accepted;
      expect(accepted?.playbook, String(c.event.detail.type)).toBe(c.expect.playbook);
      if (c.expect.category) expect(accepted?.routing).toContain(c.expect.category);
      const memo = (await client.workflow.getHandle(accepted!.workflowId).describe()).memo;
      expect(memo?.routing).toBe(accepted?.routing);
    }
  });

  it('an update of the same finding (higher count) joins its incident; the role a credential finding names is carried', async () => {
    const c = cases.find((x) => x.expect.category === 'credential_exfiltration')!;
    const detail: Record<string, unknown> = { ...c.event.detail, id: `upd-${randomUUID().slice(0, 12)}` };
    const first = (await (await post('/v1/alerts/guardduty', { ...c.event, detail })).json()) as { accepted: { incidentId: string; workflowId: string }[] };
    const service = { ...(detail.service as object), count: 9 };
    const update = (await (await post('/v1/alerts/guardduty', { ...c.event, detail: { ...detail, service, updatedAt: '2025-03-14T11:00:00Z' } })).json()) as { accepted: unknown[] };
    expect(update.accepted).toMatchObject([{ incidentId: first.accepted[0]!.incidentId, deduplicated: true }]);
    const desc = await client.workflow.getHandle(first.accepted[0]!.workflowId).describe();
    expect(desc.status.name).toBe('RUNNING');
  });
});
