import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { incidentStateQuery, incidentWorkflowId } from '../../contracts/incident.js';
import { incidentIdFor } from '../../server/intake/ingest.js';
import { CREDENTIALS, startIntake, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
import { startAlertmanager, type AlertmanagerPeer } from '../peers/alertmanager.js';

/**
 * A real Alertmanager posting to Warden's intake over real HTTP: it fires, re-notifies (the
 * repeat interval) and resolves one alert. No worker runs while it does, so the incident stays
 * open whatever its playbook would do; then a worker answers the state query.
 */

let client: Client;
let intake: IntakeServer;
let am: AlertmanagerPeer;

beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
  am = await startAlertmanager({ webhookUrl: `${intake.url}/v1/alerts/alertmanager`, bearer: CREDENTIALS.alertmanager });
});
afterAll(async () => {
  await am?.stop();
  intake?.close();
  await client?.connection.close();
});

const signalsOf = async (workflowId: string): Promise<number> => {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
};

const notFound = async (workflowId: string): Promise<boolean> =>
  client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => false,
      (err: unknown) => err instanceof WorkflowNotFoundError,
    );

// No skip: without the binary the peer fails with ALERTMANAGER_MISSING, which says how to provision it.
describe('a real Alertmanager', () => {
  it('fires, re-notifies and resolves: one incident, its events, and the resolved time recorded', async () => {
    const alertname = `WardenE2E_${randomUUID().slice(0, 8)}`;
    // A UTF-8 label name (Alertmanager 0.28+): kept, escaped, never dropped.
    const labels = { alertname, severity: 'warning', instance: 'inference-1:9100', équipe: 'ml' };
    const startsAt = new Date(Date.now() - 1000).toISOString();
    await am.push([{ labels, annotations: { summary: 'inference latency high' }, startsAt }]);
    const fingerprint = await expect
      .poll(async () => (await am.alerts()).find((a) => a.labels.alertname === alertname)?.fingerprint, { timeout: 10_000 })
      .toBeTruthy()
      .then(async () => (await am.alerts()).find((a) => a.labels.alertname === alertname)!.fingerprint);
    const incidentId = incidentIdFor(`alertmanager:${fingerprint}`, 1, true);
    const workflowId = incidentWorkflowId(incidentId);
    // The first notification starts the incident (its signal), the repeat joins it (a second signal).
    await expect.poll(async () => ((await notFound(workflowId)) ? 0 : signalsOf(workflowId)), { timeout: 20_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    const before = await signalsOf(workflowId);
    const endsAt = new Date().toISOString();
    await am.push([{ labels, annotations: { summary: 'inference latency high' }, startsAt, endsAt }]);
    // Start the worker only once the resolution is in the history: a dry-run incident ends as soon as
    // a worker runs it, and a resolution that finds no open incident is (rightly) not recorded.
    await expect.poll(() => signalsOf(workflowId), { timeout: 30_000, interval: 250 }).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 3_000));
    await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async () => {
      const handle = client.workflow.getHandle(workflowId);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).alerts.recent.some((a) => a.status === 'resolved'), { timeout: 20_000, interval: 250 }).toBe(true);
      const state = await handle.query(incidentStateQuery);
      const firing = state.alerts.recent.filter((a) => a.status !== 'resolved');
      const resolved = state.alerts.recent.filter((a) => a.status === 'resolved');
      expect(firing.length).toBeGreaterThanOrEqual(2);
      expect(resolved).toHaveLength(1);
      // Alertmanager's endsAt, as it sent it (it may round to its own clock): the time it resolved.
      expect(Date.parse(resolved[0]!.resolved_at!)).toBeGreaterThanOrEqual(Date.parse(startsAt));
      expect(resolved[0]).toMatchObject({ correlation: `alertmanager:${fingerprint}`, labels: { U___e9_quipe: 'ml' }, details: { label_names: { U___e9_quipe: 'équipe' } } });
      expect(state.alerts.count).toBe(firing.length + 1);
    });
    // Re-notifications joined: no second incident for the same fingerprint.
    expect(await notFound(incidentWorkflowId(incidentIdFor(`alertmanager:${fingerprint}`, 2, true)))).toBe(true);
  }, 90_000);
});
