import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadPlaybooks } from '../../../playbook/load.js';
import type { Alert } from '../../../contracts/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { startIncident, startPeers, type Peers } from '../../helpers/incident.js';

/** A realistic alert of each playbook's kind, rich enough that most `when` conditions hold. */
const SAMPLES: Record<string, Alert> = {
  'leaked-credential': {
    type: 'credential.leaked',
    severity: 'critical',
    title: 'AWS key committed to a public repository',
    source: 'github-secret-scanning',
    principal: { user: 'dana', email: 'dana@example.com', aws_user: 'dana-ml', aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE' },
  },
  'compromised-model': {
    type: 'model.artifact_hash_mismatch',
    severity: 'high',
    title: 'fraud-detector v7 artifact changed after validation',
    source: 'registry-scanner',
    resource: { kind: 'model', name: 'fraud-detector', version: '7' },
    labels: { environment: 'production', alias: 'champion' },
  },
  'data-poisoning': {
    type: 'data.label_flip',
    severity: 'high',
    title: 'spam labels flipped in bulk',
    source: 'data-quality',
    resource: { kind: 'dataset', name: 'spam-reports' },
    principal: { user: 'contractor-7', aws_user: 'contractor-7' },
    labels: { model: 'spam-filter', model_version: '12' },
  },
  'model-extraction': {
    type: 'model.extraction',
    severity: 'high',
    title: '40k systematic queries in 1h',
    source: 'inference-gateway',
    resource: { kind: 'inference-api', name: 'pricing-model' },
    principal: { user: 'api-key-991', ip: '203.0.113.9', aws_user: 'partner-sync' },
  },
  'model-inversion': {
    type: 'model.inversion',
    severity: 'high',
    title: 'reconstruction-pattern queries on face-match',
    source: 'inference-gateway',
    resource: { kind: 'inference-api', name: 'face-match' },
    principal: { ip: '198.51.100.4' },
  },
  'prompt-injection': {
    type: 'llm.prompt_injection',
    severity: 'medium',
    title: '"ignore previous instructions" with tool call',
    source: 'llm-guard',
    resource: { kind: 'llm-app', name: 'support-bot' },
    principal: { user: 'visitor-55' },
    details: { tool_calls: 2 },
  },
  'exposed-ml-endpoint': {
    type: 'mlflow.exposed',
    severity: 'high',
    title: 'MLflow tracking server answers without auth',
    source: 'attack-surface-scan',
    resource: { kind: 'mlflow', name: 'mlflow-prod', uri: 'http://mlflow.corp.example:5000' },
  },
  'insider-exfiltration': {
    type: 'dlp.bulk_download',
    severity: 'critical',
    title: '2 TB of training data to a personal bucket',
    source: 'dlp',
    principal: { user: 'sam', aws_user: 'sam', aws_access_key_id: 'AKIAI44QH8DHBEXAMPLE' },
  },
  triage: { type: 'unknown.signal', severity: 'low', title: 'odd login pattern', source: 'siem' },
};

let client: Client;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
  await client.connection.close();
});

const { playbooks } = loadPlaybooks(['playbooks']);

describe('every shipped playbook runs to completion in dry run and changes nothing', () => {
  it('has a sample alert for every shipped playbook', () => {
    expect(playbooks.map((p) => p.playbook.id).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const loaded of playbooks) {
    it(loaded.playbook.id, async () => {
      const sample = SAMPLES[loaded.playbook.id]!;
      const taskQueue = uniqueTaskQueue(`dry-${loaded.playbook.id}`);
      const seen = { slack: peers.slack.messages.length, http: peers.http.requests.length, smtp: peers.smtp.messages.length };
      await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
        const final = await (await startIncident(client, taskQueue, loaded, sample, { dryRun: true })).result();
        expect(final.status).toBe('planned');
        // A dry run moves no KPI time.
        expect(final.times).not.toHaveProperty('containedAt');
        expect(final.times).not.toHaveProperty('recoveredAt');
        expect(final.dryRun).toBe(true);
        const steps = Object.values(final.steps);
        for (const st of steps) {
          expect(['planned', 'skipped'], `${st.id} is ${st.status} ${JSON.stringify(st.error ?? '')}`).toContain(st.status);
          if (st.status === 'planned') expect(st.plan?.length, `${st.id} has no plan`).toBeGreaterThan(0);
          if (st.approval) expect(st.approval.outcome).toBe('not-needed-dry-run');
        }
        expect(steps.filter((s) => s.status === 'planned').length).toBeGreaterThan(0);
      });
      expect(peers.slack.messages.length).toBe(seen.slack);
      expect(peers.http.requests.length).toBe(seen.http);
      expect(peers.smtp.messages.length).toBe(seen.smtp);
      expect(existsSync(peers.evidenceDir) ? readdirSync(peers.evidenceDir) : []).toEqual([]);
    });
  }
});
