import type { IncidentState } from '../../contracts/incident.js';
import type { PendingApproval } from '../../server/api-responses.js';
import { ApiClient, callApi, clientOptionsFromEnv } from '../api-client.js';
import { UsageError } from '../usage.js';
import { decideCommand } from './decide.js';
import { shortTime, table } from './format.js';
import { act, JSON_FLAG, type Command } from './program.js';

/** The steps of an incident waiting for a decision, as lines: `STEP  ACTION  until DEADLINE`. */
export function pendingSteps(state: IncidentState): string[] {
  return Object.values(state.steps)
    .filter((s) => s.status === 'awaiting-approval' && s.approval && !s.approval.outcome)
    .map((s) => `${s.id} (${s.action}) until ${shortTime(s.approval!.deadline)}`);
}

/**
 * `warden approve ID [STEP]`: without STEP, or with a step the incident does not have, names the
 * steps waiting for a decision. A step that exists is left to the server (it says "already decided").
 */
export async function approveCommand(id: string, step: string | undefined, opts: { reject: boolean; reason?: string; plan?: string; json: boolean }): Promise<number> {
  const state = await ApiClient.fromEnv().getIncident(id);
  if (step === undefined || !state.steps[step]) {
    const waiting = pendingSteps(state);
    const what = step === undefined ? 'approve needs a STEP' : `incident ${id} has no step "${step}"`;
    throw new UsageError(waiting.length ? `${what}; waiting for a decision: ${waiting.join('; ')}` : `${what}; no step of incident ${id} waits for a decision (see warden approvals)`);
  }
  return decideCommand(id, step, opts);
}

function describe(a: PendingApproval): [string, string, string] {
  switch (a.kind) {
    case 'incident-step':
      return ['incident', `${a.incidentId} ${a.stepId} (${a.action}): ${a.title}${a.may.includes('approve') ? '' : ' [you may only reject]'}`, `until ${shortTime(a.deadline)}`];
    case 'offboarding':
      return ['offboarding', `${a.personId}: ${a.reason} (requested by ${a.requestedBy})`, a.effectiveAt ? `effective ${shortTime(a.effectiveAt)}` : '-'];
    case 'review-approval':
      return ['review', `${a.campaignId}: revocations wait for group ${a.group}`, '-'];
    case 'review-items':
      return ['review', `${a.campaignId}: ${a.open} item(s) to decide as reviewer ${a.reviewer}`, `until ${shortTime(a.deadline)}`];
  }
}

/** `warden approvals`: everything waiting on me, with the command that decides each. */
export async function approvalsCommand(opts: { json: boolean }): Promise<number> {
  const body = JSON.parse(await callApi(clientOptionsFromEnv(), 'GET', '/v1/approvals')) as { caller: string; approvals: PendingApproval[] };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  if (body.approvals.length === 0) {
    process.stdout.write(`nothing waits for a decision by ${body.caller}\n`);
    return 0;
  }
  process.stdout.write(
    table(
      ['KIND', 'WHAT', 'WHEN', 'DECIDE WITH'],
      body.approvals.map((a) => [...describe(a), a.command]),
    ),
  );
  return 0;
}

type Json = { json?: boolean };

/** `warden approve ID [STEP]` and `warden approvals`. */
export function registerApprovals(program: Command): void {
  program
    .command('approve')
    .description("decide a step waiting for approval: shows the step's plan and decides for that plan only; without STEP, lists the steps waiting")
    .argument('<id>', 'the incident id')
    .argument('[step]', 'the step waiting for a decision')
    .option('--reject', 'reject instead of approving')
    .option('--reason <text>', 'why')
    .option('--plan <digest>', 'the plan digest you read (in warden incidents show)')
    .option(...JSON_FLAG)
    .action(
      act((id: string, step: string | undefined, o: Json & { reject?: boolean; reason?: string; plan?: string }) =>
        approveCommand(id, step, { reject: o.reject ?? false, ...(o.reason ? { reason: o.reason } : {}), ...(o.plan ? { plan: o.plan } : {}), json: o.json ?? false }),
      ),
    );
  program
    .command('approvals')
    .description('everything waiting on me: incident steps, offboardings and access reviews')
    .option(...JSON_FLAG)
    .action(act((o: Json) => approvalsCommand({ json: o.json ?? false })));
}
