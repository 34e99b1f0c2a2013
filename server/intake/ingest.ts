import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { LoadedPlaybook } from '../../playbook/load.js';
import { alertSignal, incidentWorkflowId, type Alert, type IncidentInput } from '../../contracts/incident.js';
import type { incidentWorkflow } from '../../workflows/incident/incident.js';
import { choosePlaybook } from './route-playbook.js';

export interface IngestDeps {
  readonly client: Client;
  readonly playbooks: readonly LoadedPlaybook[];
  readonly taskQueue: string;
}

export interface IngestResult {
  readonly incidentId: string;
  readonly workflowId: string;
  readonly playbook: string;
  /** True when the alert joined an incident that was already open. */
  readonly deduplicated: boolean;
  readonly linkedIncidentId?: string;
}

const MAX_GENERATIONS = 1000;

/** The fingerprint given, or one derived from type, resource and principal. */
export function fingerprintOf(alert: Alert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const who = alert.principal?.aws_user ?? alert.principal?.user ?? alert.principal?.email ?? alert.principal?.github_login ?? alert.principal?.ip ?? '';
  const what = alert.resource ? `${alert.resource.kind}/${alert.resource.name}` : '';
  return `${alert.type}|${what}|${who}`;
}

/** Incident ids: a short hash of the fingerprint, then -2, -3… for incidents after a closed one. */
export function incidentIdFor(fingerprint: string, generation: number): string {
  const base = `inc-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 16)}`;
  return generation === 1 ? base : `${base}-${generation}`;
}

type Slot = { incidentId: string; open: boolean; linkedIncidentId?: string };

/** The open incident for this fingerprint, or the id the next one takes (linked to the last closed one). */
async function findSlot(client: Client, fingerprint: string): Promise<Slot> {
  let linked: string | undefined;
  for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
    const incidentId = incidentIdFor(fingerprint, generation);
    try {
      const desc = await client.workflow.getHandle(incidentWorkflowId(incidentId)).describe();
      if (desc.status.name === 'RUNNING') return { incidentId, open: true };
      linked = incidentId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { incidentId, open: false, ...(linked ? { linkedIncidentId: linked } : {}) };
      throw err;
    }
  }
  throw new Error(`more than ${MAX_GENERATIONS} incidents for one fingerprint`);
}

/**
 * Makes the alert an incident or adds it to the open one, through signalWithStart: concurrent
 * duplicates converge on one workflow id, so they make exactly one incident. Returns only after
 * Temporal durably recorded the alert (the signal is in the history), so a 202 is never a lie.
 */
export async function ingestAlert(deps: IngestDeps, received: Alert, opts: { dryRun: boolean }): Promise<IngestResult> {
  const alert: Alert = { ...received, alert_id: randomUUID(), received_at: received.received_at ?? new Date().toISOString() };
  const fingerprint = fingerprintOf(alert);
  for (let attempt = 0; attempt < 5; attempt++) {
    const slot = await findSlot(deps.client, fingerprint);
    const loaded = choosePlaybook(deps.playbooks, alert);
    const workflowId = incidentWorkflowId(slot.incidentId);
    const input: IncidentInput = {
      incidentId: slot.incidentId,
      playbook: loaded.playbook,
      playbookSha256: loaded.sha256,
      alert,
      dryRun: opts.dryRun,
      openedBy: `alert:${alert.source}`,
      ...(slot.linkedIncidentId ? { linkedIncidentId: slot.linkedIncidentId } : {}),
    };
    try {
      const handle = await deps.client.workflow.signalWithStart<typeof incidentWorkflow, [Alert]>('incidentWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        signal: alertSignal,
        signalArgs: [alert],
        memo: { firstAlertId: alert.alert_id, fingerprint, playbook: loaded.playbook.id },
        // Never reopen a closed incident: a new one (the next generation) is opened instead.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      const desc = await handle.describe();
      const started = desc.memo?.firstAlertId === alert.alert_id;
      const playbook = typeof desc.memo?.playbook === 'string' ? desc.memo.playbook : loaded.playbook.id;
      return { incidentId: slot.incidentId, workflowId, playbook, deduplicated: !started, ...(started && slot.linkedIncidentId ? { linkedIncidentId: slot.linkedIncidentId } : {}) };
    } catch (err) {
      // Closed between our look and the start: look again, and open the next generation.
      if (err instanceof WorkflowExecutionAlreadyStartedError) continue;
      throw err;
    }
  }
  throw new Error('the incident for this fingerprint kept closing while the alert was being added; retry');
}
