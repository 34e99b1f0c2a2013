/**
 * Live incidents for the bench: the shipped playbooks with every `approval:` removed (same
 * steps, same actions), a fresh IAM user and key at moto per round, and the person's part
 * (resolve, then lessons) sent as soon as the incident takes it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { loadPlaybookText, type LoadedPlaybook } from '../playbook/load.js';
import { incidentWorkflowId, lessonsUpdate, resolveUpdate, type Alert } from '../contracts/incident.js';
import type { incidentWorkflow } from '../workflows/incident/incident.js';
import { eventMs, historyOf } from './history.js';
import { TASK_QUEUE, type World } from './world.js';

/** The playbook `id` from playbooks/, with `approval:` removed from each of its steps. */
export function withoutApprovals(id: string, dir = 'playbooks'): LoadedPlaybook {
  const doc = parse(readFileSync(join(dir, `${id}.yaml`), 'utf8')) as { phases: Record<string, Record<string, unknown>[]> };
  for (const steps of Object.values(doc.phases)) for (const step of steps) delete step.approval;
  const loaded = loadPlaybookText(`${id}.bench.yaml`, stringify(doc));
  if (!loaded.ok) throw new Error(`bench variant of ${id}: ${loaded.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return loaded.loaded;
}

export interface Round {
  readonly incidentId: string;
  readonly userName: string;
  readonly accessKeyId: string;
  /** Each id of the round by its role: what a later round substitutes, and the equality check masks. */
  readonly ids: Record<string, string>;
}

/** A fresh IAM user with one active access key at moto, and a fresh incident id (not timed). */
export async function freshRound(world: World): Promise<Round> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 12);
  const userName = `bench-u-${tag}`;
  await world.admin.send(new CreateUserCommand({ UserName: userName }));
  const { AccessKey } = await world.admin.send(new CreateAccessKeyCommand({ UserName: userName }));
  const accessKeyId = AccessKey?.AccessKeyId ?? '';
  const incidentId = `bench-${tag}`;
  return { incidentId, userName, accessKeyId, ids: { [incidentId]: '<incident>', [userName]: '<user>', [accessKeyId]: '<key>' } };
}

export const leakAlert = (r: Round): Alert => ({
  type: 'credential.leaked',
  severity: 'high',
  title: 'AWS key committed to a public repository',
  source: 'bench',
  fingerprint: `bench-leak-${r.accessKeyId}`,
  principal: { aws_user: r.userName, aws_access_key_id: r.accessKeyId },
});

/** Sends an Update as soon as the incident accepts it (its validator refuses it until then). */
async function whenAccepted(send: () => Promise<unknown>, retryMs = 5, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await send();
      return;
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError) || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}

/** Resolves and closes a live incident for the person, as soon as each is possible. */
export async function resolveAndClose(handle: WorkflowHandle): Promise<void> {
  await whenAccepted(() => handle.executeUpdate(resolveUpdate, { args: [{ by: 'bench', summary: 'bench round' }] }));
  await whenAccepted(() => handle.executeUpdate(lessonsUpdate, { args: [{ by: 'bench', cause: 'bench', impact: 'none', followUps: [] }] }));
  await handle.result();
}

export function startIncident(world: World, loaded: LoadedPlaybook, r: Round, alert: Alert): Promise<WorkflowHandle<typeof incidentWorkflow>> {
  return world.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: incidentWorkflowId(r.incidentId),
    args: [{ incidentId: r.incidentId, playbook: loaded.playbook, playbookSha256: loaded.sha256, alert, dryRun: false, openedBy: 'alert:bench', decisionKey: world.signer.publicKey }],
  });
}

/**
 * How long the incident waited for the person, read in its history: from its last event before
 * the workflow task that an accepted Update brought, to that task's scheduling. Subtracted from
 * its latency: the bench plays the person, and no baseline has one.
 */
export async function personWaitMs(world: World, workflowId: string): Promise<number> {
  const events = await historyOf(world.client, workflowId);
  let wait = 0;
  for (let i = 1; i < events.length; i++) {
    if (!events[i]!.workflowTaskScheduledEventAttributes) continue;
    const next = events.slice(i + 1, i + 4);
    if (next.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)) wait += Math.max(0, eventMs(events[i]) - eventMs(events[i - 1]));
  }
  return wait;
}

/** What a history holds: events, workflow tasks, signals to other workflows (the audit trail's appends), activities. */
export function historyShape(events: Awaited<ReturnType<typeof historyOf>>) {
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    signalsSent: events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes).length,
    searchAttributeUpserts: events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
}
