import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createSmtpMailer } from '../../activities/providers/email/smtp-mailer.js';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createAllowlistedHttp } from '../../activities/providers/http/allowlisted-http.js';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';
import { createSlackChat } from '../../activities/providers/slack/slack-chat.js';
import type { ActionDeps } from '../../catalog/types.js';
import { loadPlaybookText, type LoadedPlaybook } from '../../playbook/load.js';
import { incidentStateQuery, incidentWorkflowId, lessonsUpdate, resolveUpdate, type Alert, type IncidentInput, type IncidentState } from '../../contracts/incident.js';
import type { incidentWorkflow } from '../../workflows/incident/incident.js';
import { TEST_SIGNER } from './decisions.js';
import { startFakeSlack, type FakeSlack } from '../peers/fake-slack.js';
import { startHttpRecorder, type HttpRecorder } from '../peers/http-recorder.js';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer.js';

export const SLACK_TOKEN = 'xoxb-test-token-incident';

/** Every peer an incident may touch, real protocols on loopback, and the adapters bound to them. */
export interface Peers {
  readonly slack: FakeSlack;
  readonly smtp: SmtpPeer;
  readonly http: HttpRecorder;
  readonly evidenceDir: string;
  readonly deps: ActionDeps;
  close(): Promise<void>;
}

export async function startPeers(): Promise<Peers> {
  const slack = await startFakeSlack({
    token: SLACK_TOKEN,
    channels: [
      { id: 'C0SEC', name: 'sec-incidents' },
      { id: 'C0OPS', name: 'ops' },
      // Every channel the shipped playbooks post to.
      { id: 'C0TRIAGE', name: 'sec-triage' },
      { id: 'C0MLPLAT', name: 'ml-platform' },
      { id: 'C0MLDATA', name: 'ml-data' },
      { id: 'C0LLM', name: 'llm-apps' },
    ],
  });
  const smtp = await startSmtpPeer();
  const http = await startHttpRecorder();
  const dir = mkdtempSync(join(tmpdir(), 'warden-incident-'));
  const evidenceDir = join(dir, 'evidence');
  const deps: ActionDeps = {
    chat: createSlackChat({ token: SLACK_TOKEN, apiUrl: slack.apiUrl }),
    mailer: createSmtpMailer({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, from: 'warden@example.com', ledger: createFileLedger(join(dir, 'ledger')) }),
    evidence: createLocalEvidenceStore(evidenceDir),
    http: createAllowlistedHttp({ allowHosts: ['127.0.0.1'] }),
  };
  return {
    slack,
    smtp,
    http,
    evidenceDir,
    deps,
    async close() {
      await Promise.all([slack.close(), smtp.close(), http.close()]);
    },
  };
}

/** Loads a playbook from YAML text, failing the test with every problem if it does not validate. */
export function playbook(yaml: string): LoadedPlaybook {
  const result = loadPlaybookText('inline.yaml', yaml);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`).join('\n'));
  return result.loaded;
}

export function alert(over: Partial<Alert> = {}): Alert {
  return { type: 'test.alert', severity: 'high', title: 'test alert', source: 'vitest', ...over };
}

export async function startIncident(client: Client, taskQueue: string, loaded: LoadedPlaybook, a: Alert, over: Partial<IncidentInput> = {}): Promise<WorkflowHandle<typeof incidentWorkflow>> {
  const incidentId = `t-${randomUUID().slice(0, 8)}`;
  return client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue,
    workflowId: incidentWorkflowId(incidentId),
    args: [{ incidentId, playbook: loaded.playbook, playbookSha256: loaded.sha256, alert: a, dryRun: false, openedBy: 'alert:vitest', decisionKey: TEST_SIGNER.publicKey, ...over }],
  });
}

export function state(handle: WorkflowHandle): Promise<IncidentState> {
  return handle.query(incidentStateQuery);
}

/**
 * A live incident ends only when a person resolves it and records its lessons: once it waits for
 * the resolution, does both as `by` and returns the final state (status closed). An incident that
 * ended by itself (failed, cancelled, a dry run) is returned as it ended.
 */
export async function resolveAndClose(handle: WorkflowHandle, by = 'olga', timeoutMs = 30_000): Promise<IncidentState> {
  const until = Date.now() + timeoutMs;
  for (let s = await state(handle); s.awaiting !== 'resolution'; s = await state(handle)) {
    // An incident that ended itself (failed, cancelled, a dry run planned) has nothing to resolve.
    if (s.phase === 'done') return (await handle.result()) as IncidentState;
    if (Date.now() > until) throw new Error(`incident ${handle.workflowId} did not come to wait for its resolution within ${timeoutMs}ms (status ${s.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await handle.executeUpdate(resolveUpdate, { args: [{ by, summary: 'handled in the test' }] });
  await handle.executeUpdate(lessonsUpdate, { args: [{ by, cause: 'a test alert', impact: 'none', followUps: [] }] });
  return (await handle.result()) as IncidentState;
}

/** A minimal playbook header; phases are appended by each test. */
export const HEADER = `
id: test-playbook
version: 1
title: Test playbook
description: used by the incident workflow tests
triggers: [{ types: [test.alert] }]
severity: high
owners: [security-oncall]
notify:
  slack: "#sec-incidents"
  email: [owners@example.com]
`;

/** One containment step that waits for an approval by security-oncall (a harmless evidence snapshot): for tests of the approval routes. */
export const gatedPlaybook = (): LoadedPlaybook =>
  playbook(`${HEADER}
phases:
  contain:
    - id: hold_the_line
      action: evidence.snapshot
      with: { label: contained }
      approval:
        groups: [security-oncall]
        timeout: 30m
`);
