import { closingCommand, listIncidentsCommand, showIncidentCommand, stepActionCommand } from './incidents.js';
import { triageCommand } from './triage.js';
import { act, JSON_FLAG, type Command } from './program.js';
import { UsageError } from '../usage.js';
import type { StepAction } from '../api-client.js';

type Json = { json?: boolean };
const json = (o: Json) => ({ json: o.json ?? false });
const optionalReason = (reason: string | undefined): { reason?: string } => (reason?.trim() ? { reason } : {});

/** Exactly one of --retry, --done-by-hand NOTE, --skip REASON. */
function stepActionOf(values: { retry?: boolean; doneByHand?: string; skip?: string }): StepAction {
  const chosen = [values.retry, values.doneByHand !== undefined, values.skip !== undefined].filter(Boolean);
  if (chosen.length !== 1) throw new UsageError('incidents step takes exactly one of --retry, --done-by-hand NOTE, --skip REASON');
  if (values.retry) return { action: 'retry' };
  const text = (values.doneByHand ?? values.skip ?? '').trim();
  if (!text) throw new UsageError(values.skip !== undefined ? '--skip needs a REASON (it is recorded in the incident)' : '--done-by-hand needs a NOTE (it is recorded in the incident)');
  return values.skip !== undefined ? { action: 'skip', text } : { action: 'done_by_hand', text };
}

/** `warden incidents …` (alias `incident`): list, show and act on incidents through the HTTP API. */
export function registerIncidents(program: Command): void {
  const incidents = program.command('incidents').alias('incident').description('list, show, triage and close incidents');
  incidents
    .command('list')
    .alias('ls')
    .description('incidents with their title; dry runs are marked')
    .option('--status <status>', 'only incidents in this status')
    .option('--severity <severity>', 'only incidents of this severity')
    .option('--playbook <id>', 'only incidents running this playbook')
    .option(...JSON_FLAG)
    .action(act((o: Json & { status?: string; severity?: string; playbook?: string }) => listIncidentsCommand({ status: o.status, severity: o.severity, playbook: o.playbook }, json(o))));
  incidents
    .command('show')
    .description('state, steps, approvals, notes and timeline')
    .argument('<id>', 'the incident id')
    .option('--follow', 'stream the timeline until the incident waits for a person or ends')
    .option(...JSON_FLAG)
    .action(act((id: string, o: Json & { follow?: boolean }) => showIncidentCommand(id, { ...json(o), follow: o.follow ?? false })));
  incidents
    .command('step')
    .description('act on a step that was not applied')
    .argument('<id>', 'the incident id')
    .argument('<step>', 'the step id')
    .option('--retry', 'run the step again')
    .option('--done-by-hand <note>', 'record that a person did it, and how')
    .option('--skip <reason>', 'skip it, and why')
    .option(...JSON_FLAG)
    .action(act((id: string, step: string, o: Json & { retry?: boolean; doneByHand?: string; skip?: string }) => stepActionCommand(id, step, stepActionOf(o), json(o))));
  incidents
    .command('resolve')
    .description('resolve the incident with a summary')
    .argument('<id>', 'the incident id')
    .option('--summary <text>', 'what was done (recorded in the incident)')
    .option(...JSON_FLAG)
    .action(
      act((id: string, o: Json & { summary?: string }) => {
        if (!o.summary?.trim()) throw new UsageError('incidents resolve needs --summary TEXT (it is recorded in the incident)');
        return closingCommand(id, { resolve: o.summary }, json(o));
      }),
    );
  incidents
    .command('lessons')
    .description('record the lessons learned')
    .argument('<id>', 'the incident id')
    .option('--cause <text>', 'the cause')
    .option('--impact <text>', 'the impact')
    .option('--follow-ups <list>', 'follow-ups, separated by ";"')
    .option(...JSON_FLAG)
    .action(
      act((id: string, o: Json & { cause?: string; impact?: string; followUps?: string }) => {
        if (!o.cause?.trim() || !o.impact?.trim()) throw new UsageError('incidents lessons needs --cause TEXT and --impact TEXT');
        const followUps = (o.followUps ?? '')
          .split(';')
          .map((f) => f.trim())
          .filter(Boolean);
        return closingCommand(id, { lessons: { cause: o.cause, impact: o.impact, followUps } }, json(o));
      }),
    );
  registerTriage(incidents);
}

/** `incidents ack|false-positive|merge|start-playbook` */
function registerTriage(incidents: Command): void {
  incidents
    .command('ack')
    .description('acknowledge (the first acknowledgement is MTTA)')
    .argument('<id>', 'the incident id')
    .option(...JSON_FLAG)
    .action(act((id: string, o: Json) => triageCommand(id, { action: 'acknowledge' }, json(o))));
  incidents
    .command('false-positive')
    .description('close the incident as a false positive')
    .argument('<id>', 'the incident id')
    .option('--reason <text>', 'why (recorded in the incident)')
    .option(...JSON_FLAG)
    .action(
      act((id: string, o: Json & { reason?: string }) => {
        if (!o.reason?.trim()) throw new UsageError('incidents false-positive needs --reason TEXT (it is recorded in the incident)');
        return triageCommand(id, { action: 'false_positive', reason: o.reason }, json(o));
      }),
    );
  incidents
    .command('merge')
    .description('its alerts go to the open incident OTHER')
    .argument('<id>', 'the incident id')
    .option('--into <other>', 'the open incident that takes its alerts')
    .option('--reason <text>', 'why')
    .option(...JSON_FLAG)
    .action(
      act((id: string, o: Json & { into?: string; reason?: string }) => {
        if (!o.into?.trim()) throw new UsageError('incidents merge needs --into OTHER (the open incident that takes its alerts)');
        return triageCommand(id, { action: 'merge', into: o.into, ...optionalReason(o.reason) }, json(o));
      }),
    );
  incidents
    .command('start-playbook')
    .description('run PLAYBOOK in a triage incident')
    .argument('<id>', 'the incident id')
    .argument('<playbook>', 'the playbook id')
    .option('--reason <text>', 'why')
    .option(...JSON_FLAG)
    .action(act((id: string, playbook: string, o: Json & { reason?: string }) => triageCommand(id, { action: 'start_playbook', playbook, ...optionalReason(o.reason) }, json(o))));
}
