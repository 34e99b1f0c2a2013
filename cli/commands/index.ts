import { parseArgs } from 'node:util';
import { alertSendCommand } from './alert-send.js';
import { cancelCommand, decideCommand, noteCommand } from './decide.js';
import { closingCommand, listIncidentsCommand, showIncidentCommand, stepActionCommand } from './incidents.js';
import { triageCommand } from './triage.js';
import { rotateKeys } from './keys.js';
import { listPlaybooksCommand, validatePlaybooksCommand, writeSchemaCommand } from './playbooks.js';
import { smoke } from './smoke.js';
import { runWarden } from './start.js';
import { offboardCommand } from './offboard.js';
import { reviewCommand } from './review.js';
import { auditCommand } from './audit.js';
import { UsageError } from '../usage.js';
import type { StepAction } from '../api-client.js';

export { UsageError };

export const USAGE = `usage: warden <command>

  start          run everything: worker, HTTP server and, unless TEMPORAL_ADDRESS is set,
                 a local Temporal dev server persisting to .warden/temporal.db
  worker         run only the worker (task queue "warden")
  server         run only the HTTP server (health, codec endpoint, alert intake, incident API)
  smoke          run a trivial workflow through the running system; print its result and Web UI link
  keys rotate    add a new encryption key to the key file (it encrypts from the next start)
  playbooks validate [paths…]   check playbooks (default: playbooks/); every error with file:line and field
  playbooks list [paths…]       id, version, triggers and step counts
  playbooks schema              rewrite playbooks/playbook.schema.json for editors

  through the HTTP API (WARDEN_URL, default http://$WARDEN_HTTP_HOST:$WARDEN_HTTP_PORT;
  token WARDEN_TOKEN, default $WARDEN_STATE_DIR/admin-token):
  alert send FILE|- [--dry-run] [--json]    sign a JSON alert with the webhook secret and post it
  incidents list [--status S] [--severity S] [--playbook P] [--json]
  incidents show ID [--json]                state, steps, approvals, notes and timeline
  incidents step ID STEP --retry|--done-by-hand NOTE|--skip REASON [--json]
                                            act on a step that was not applied
  incidents resolve ID --summary TEXT [--json]
  incidents lessons ID --cause TEXT --impact TEXT [--follow-ups "A; B"] [--json]
  incidents ack ID [--json]                 acknowledge (the first acknowledgement is MTTA)
  incidents false-positive ID --reason TEXT [--json]
  incidents merge ID --into OTHER [--reason TEXT] [--json]        its alerts go to the open incident OTHER
  incidents start-playbook ID PLAYBOOK [--reason TEXT] [--json]   run PLAYBOOK in a triage incident
  approve ID STEP [--reject] [--reason TEXT] [--plan DIGEST] [--json]
                                            shows the step's plan and decides for that plan only
  cancel ID --reason TEXT [--rollback] [--json]
  note ID TEXT [--json]
  offboard PERSON --reason TEXT [--dry-run] [--at TIME] [--json]   start (or join) an offboarding; TIME: ISO 8601 or 2h, 3d
  offboard status|report PERSON [--json]        progress per provider and credential; the report (Markdown, or JSON)
  offboard approve PERSON [--reason TEXT]       approve a live offboarding (neither its requester nor its subject)
  offboard retry PERSON [--item ID]             run escalated items again
  offboard waive PERSON --item ID --reason TEXT accept an escalated item as handled
  offboard hold PERSON --reason TEXT [--lift]   set (or lift) the legal hold that keeps the IAM users
  offboard cancel PERSON --reason TEXT          cancel while it waits for its effective time
  review run [--dry-run] [--scope aws,github] [--id ID] [--json]   start an access-review campaign now
  review status ID [--json]                     phase, counts, completion rate, deadline, evidence
  review report ID [--format json|csv|html]     print the campaign's evidence report
  review decide ID ITEM keep|revoke [--reason TEXT] [--reviewer P] [--json]   decide an item, as your directory person
  review decide ID --keep-unflagged [--reviewer P]                 keep every unflagged item not decided yet
  review approve ID [--reject] [--reason TEXT] [--json]            approve (or reject) the campaign's revocations

  against Temporal and local files:
  review schedule [--cron EXPR] [--timezone TZ] [--json]   create or update the quarterly Schedule (warden.yaml reviews.schedule)
  review validate [DIR]                         check the access policy (default: reviews.policy_dir, policy/)
  audit verify [--public-key HEX] [--json]      check the audit trail's chain and seals; names the first bad record
  audit export [--since T] [--until T] [--format jsonl|ocsf]   print the verified records in [since, until)
  audit stream --hec URL | --syslog HOST:PORT  send the trail to a SIEM from a durable cursor (HEC token: WARDEN_SIEM_HEC_TOKEN)

Configuration comes from the environment; see README.md.`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  status: { type: 'string' },
  severity: { type: 'string' },
  playbook: { type: 'string' },
  reject: { type: 'boolean' },
  reason: { type: 'string' },
  plan: { type: 'string' },
  rollback: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  at: { type: 'string' },
  item: { type: 'string' },
  lift: { type: 'boolean' },
  scope: { type: 'string' },
  id: { type: 'string' },
  format: { type: 'string' },
  reviewer: { type: 'string' },
  'keep-unflagged': { type: 'boolean' },
  cron: { type: 'string' },
  retry: { type: 'boolean' },
  'done-by-hand': { type: 'string' },
  skip: { type: 'string' },
  summary: { type: 'string' },
  cause: { type: 'string' },
  impact: { type: 'string' },
  'follow-ups': { type: 'string' },
  timezone: { type: 'string' },
  into: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'public-key': { type: 'string' },
  hec: { type: 'string' },
  syslog: { type: 'string' },
} as const;

type Flag = Exclude<keyof typeof OPTIONS, 'help'>;

/** Parses argv and runs the command; resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const json = values.json ?? false;
  /** Refuses flags the command does not take, and a wrong number of arguments. */
  const expect = (what: string, flags: readonly Flag[], args: readonly (string | undefined)[], count: number): void => {
    const stray = (Object.keys(values) as Flag[]).filter((f) => !flags.includes(f));
    if (stray.length > 0) throw new UsageError(`${what} does not take ${stray.map((f) => `--${f}`).join(', ')}`);
    if (args.filter((a) => a !== undefined).length !== count) throw new UsageError(`usage: warden ${what}`);
  };
  switch (command) {
    case 'start':
    case 'worker':
    case 'server':
      expect(command, [], [sub, ...rest], 0);
      return runWarden({ worker: command !== 'server', server: command !== 'worker' });
    case 'smoke': {
      expect('smoke [--timeout SECONDS]', ['timeout'], [sub, ...rest], 0);
      const timeoutMs = values.timeout ? Number(values.timeout) * 1000 : 60_000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes a number of seconds');
      return smoke({ timeoutMs });
    }
    case 'keys':
      if (sub === 'rotate') return rotateKeys();
      throw new UsageError(`unknown keys subcommand "${sub ?? ''}"; expected: warden keys rotate`);
    case 'playbooks':
      if (sub === 'validate') return validatePlaybooksCommand(rest);
      if (sub === 'list') return listPlaybooksCommand(rest);
      if (sub === 'schema') return writeSchemaCommand();
      throw new UsageError(`unknown playbooks subcommand "${sub ?? ''}"; expected validate, list or schema`);
    case 'alert':
      if (sub !== 'send') throw new UsageError(`unknown alert subcommand "${sub ?? ''}"; expected: warden alert send FILE|-`);
      expect('alert send FILE|- [--dry-run] [--json]', ['dry-run', 'json'], rest, 1);
      return alertSendCommand(rest[0]!, { dryRun: values['dry-run'] ?? false, json });
    case 'incidents':
      if (sub === 'list') {
        expect('incidents list [--status S] [--severity S] [--playbook P] [--json]', ['status', 'severity', 'playbook', 'json'], rest, 0);
        return listIncidentsCommand({ status: values.status, severity: values.severity, playbook: values.playbook }, { json });
      }
      if (sub === 'show') {
        expect('incidents show ID [--json]', ['json'], rest, 1);
        return showIncidentCommand(rest[0]!, { json });
      }
      if (sub === 'step') {
        const what = 'incidents step ID STEP --retry|--done-by-hand NOTE|--skip REASON [--json]';
        expect(what, ['retry', 'done-by-hand', 'skip', 'json'], rest, 2);
        return stepActionCommand(rest[0]!, rest[1]!, stepActionOf(what, values), { json });
      }
      if (sub === 'resolve') {
        expect('incidents resolve ID --summary TEXT [--json]', ['summary', 'json'], rest, 1);
        if (!values.summary?.trim()) throw new UsageError('incidents resolve needs --summary TEXT (it is recorded in the incident)');
        return closingCommand(rest[0]!, { resolve: values.summary }, { json });
      }
      if (sub === 'lessons') {
        expect('incidents lessons ID --cause TEXT --impact TEXT [--follow-ups "A; B"] [--json]', ['cause', 'impact', 'follow-ups', 'json'], rest, 1);
        if (!values.cause?.trim() || !values.impact?.trim()) throw new UsageError('incidents lessons needs --cause TEXT and --impact TEXT');
        return closingCommand(
          rest[0]!,
          {
            lessons: {
              cause: values.cause,
              impact: values.impact,
              followUps: (values['follow-ups'] ?? '')
                .split(';')
                .map((f) => f.trim())
                .filter(Boolean),
            },
          },
          { json },
        );
      }
      if (sub === 'ack') {
        expect('incidents ack ID [--json]', ['json'], rest, 1);
        return triageCommand(rest[0]!, { action: 'acknowledge' }, { json });
      }
      if (sub === 'false-positive') {
        expect('incidents false-positive ID --reason TEXT [--json]', ['reason', 'json'], rest, 1);
        if (!values.reason?.trim()) throw new UsageError('incidents false-positive needs --reason TEXT (it is recorded in the incident)');
        return triageCommand(rest[0]!, { action: 'false_positive', reason: values.reason }, { json });
      }
      if (sub === 'merge') {
        expect('incidents merge ID --into OTHER [--reason TEXT] [--json]', ['into', 'reason', 'json'], rest, 1);
        if (!values.into?.trim()) throw new UsageError('incidents merge needs --into OTHER (the open incident that takes its alerts)');
        return triageCommand(rest[0]!, { action: 'merge', into: values.into, ...optionalReason(values.reason) }, { json });
      }
      if (sub === 'start-playbook') {
        expect('incidents start-playbook ID PLAYBOOK [--reason TEXT] [--json]', ['reason', 'json'], rest, 2);
        return triageCommand(rest[0]!, { action: 'start_playbook', playbook: rest[1]!, ...optionalReason(values.reason) }, { json });
      }
      throw new UsageError(`unknown incidents subcommand "${sub ?? ''}"; expected list, show, step, resolve, lessons, ack, false-positive, merge or start-playbook`);
    case 'approve':
      expect('approve ID STEP [--reject] [--reason TEXT] [--plan DIGEST] [--json]', ['reject', 'reason', 'plan', 'json'], [sub, ...rest], 2);
      return decideCommand(sub!, rest[0]!, { reject: values.reject ?? false, ...(values.reason ? { reason: values.reason } : {}), ...(values.plan ? { plan: values.plan } : {}), json });
    case 'cancel':
      expect('cancel ID --reason TEXT [--rollback] [--json]', ['reason', 'rollback', 'json'], [sub, ...rest], 1);
      if (!values.reason?.trim()) throw new UsageError('cancel needs --reason TEXT (it is recorded in the incident)');
      return cancelCommand(sub!, { reason: values.reason, rollback: values.rollback ?? false, json });
    case 'note': {
      const text = rest.join(' ');
      expect('note ID TEXT [--json]', ['json'], [sub, text || undefined], 2);
      return noteCommand(sub!, text, { json });
    }
    case 'offboard':
      return offboardCommand([sub, ...rest], values);
    case 'review':
      return reviewCommand([sub, ...rest], values);
    case 'audit':
      expect('audit verify|export|stream …', ['since', 'until', 'format', 'public-key', 'json', 'hec', 'syslog'], [sub], 1);
      return auditCommand([sub, ...rest], values);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

const optionalReason = (reason: string | undefined): { reason?: string } => (reason?.trim() ? { reason } : {});

/** Exactly one of --retry, --done-by-hand NOTE, --skip REASON. */
function stepActionOf(what: string, values: { retry?: boolean; 'done-by-hand'?: string; skip?: string }): StepAction {
  const chosen = [values.retry ? 'retry' : undefined, values['done-by-hand'] !== undefined ? 'done-by-hand' : undefined, values.skip !== undefined ? 'skip' : undefined].filter(Boolean);
  if (chosen.length !== 1) throw new UsageError(`usage: warden ${what} (exactly one of --retry, --done-by-hand, --skip)`);
  if (values.retry) return { action: 'retry' };
  const text = (values['done-by-hand'] ?? values.skip ?? '').trim();
  if (!text) throw new UsageError(values.skip !== undefined ? '--skip needs a REASON (it is recorded in the incident)' : '--done-by-hand needs a NOTE (it is recorded in the incident)');
  return values.skip !== undefined ? { action: 'skip', text } : { action: 'done_by_hand', text };
}
