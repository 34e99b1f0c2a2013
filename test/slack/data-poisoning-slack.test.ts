import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../activities/providers/mlflow/mlflow-registry.js';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { aliasTarget, seedModel, startMlflow, versionTags, type MlflowPeer } from '../peers/mlflow.js';
import { approvalMessage, click, current, ephemeralsFrom, startSlackHarness, submitModal, votesOf, type SlackHarness } from './harness.js';

let h: SlackHarness;
let mlflow: MlflowPeer;
beforeAll(async () => {
  h = await startSlackHarness();
  mlflow = await startMlflow();
}, 120_000);
afterAll(async () => {
  await mlflow.close();
  await h.close();
});

describe('data-poisoning, decided in Slack, against MLflow', () => {
  it('an MLOps click on Approve rolls champion back to version 2 with version 3 quarantined; the on-call’s click is refused and changes nothing', async () => {
    const loaded = loadPlaybooks(['playbooks']).playbooks.find((p) => p.playbook.id === 'data-poisoning');
    expect(loaded).toBeDefined();
    await seedModel(mlflow.trackingUri, 'spam-filter', { versions: 3, champion: 3 });
    const deps = { ...h.peers.deps, models: createMlflowRegistry({ trackingUri: mlflow.trackingUri }) };
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-poisoning');

    await withWorker({ providers: deps }, { taskQueue }, async () => {
      const poisoned = alert({ type: 'data.label_flip', severity: 'high', title: 'spam labels flipped in bulk', source: 'data-quality', labels: { model: 'spam-filter', model_version: '3' } });
      const handle = await startIncident(h.client, taskQueue, loaded!, poisoned, { openedBy: 'alert:data-quality' });
      const message = await approvalMessage(h, handle, 'rollback_model');
      const waiting = await state(handle);
      expect(waiting.steps.rollback_model!.plan).toContain('move alias champion of spam-filter from version 3 to version 2');
      expect(await aliasTarget(mlflow.trackingUri, 'spam-filter', 'champion')).toBe('3');

      // alice is security on-call: a model rollback needs MLOps.
      // The rollback is destructive: Approve asks for a reason first; the group check refuses the submission.
      expect((await click(h, 'U0ALICE', message, APPROVE_ACTION)).status).toBe(200);
      expect((await submitModal(h, h.peers.slack.views.at(-1)!.view, 'U0ALICE', 'looks bad')).status).toBe(200);
      expect(told('U0ALICE')).toHaveLength(1);
      expect(told('U0ALICE')[0]).toMatch(/not in an allowed group: alice is in none of mlops/);
      expect(votesOf(await state(handle), 'rollback_model')).toEqual([]);
      expect((await state(handle)).steps.rollback_model!.status).toBe('awaiting-approval');
      expect(await aliasTarget(mlflow.trackingUri, 'spam-filter', 'champion')).toBe('3');
      expect(JSON.stringify(current(h, message).blocks)).toContain(APPROVE_ACTION);

      // A rollback is destructive: Approve opens the reason modal. An alert opened the incident,
      // so four-eyes means two MLOps people.
      for (const [user, reason] of [
        ['U0MLOPS', 'poisoned rows confirmed in v3'],
        ['U0MIA', 'v2 metrics verified'],
      ] as const) {
        const views = h.peers.slack.views.length;
        expect((await click(h, user, message, APPROVE_ACTION)).status).toBe(200);
        expect(h.peers.slack.views).toHaveLength(views + 1);
        expect((await submitModal(h, h.peers.slack.views.at(-1)!.view, user, reason)).status).toBe(200);
      }
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(votesOf(final, 'rollback_model')).toEqual([
        ['mo', 'approve', 'slack'],
        ['mia', 'approve', 'slack'],
      ]);
      expect(final.steps.rollback_model).toMatchObject({ status: 'applied', outcome: 'changed' });
      expect(await aliasTarget(mlflow.trackingUri, 'spam-filter', 'champion')).toBe('2');
      const tags = await versionTags(mlflow.trackingUri, 'spam-filter', '3');
      expect(tags['warden.quarantined']).toBe('true');
      expect(tags['warden.incident']).toBe(final.incidentId);
      expect(JSON.stringify(current(h, message).blocks)).toContain('approved by');
      expect(told('U0MLOPS')).toEqual([]);
    });
  });
});
