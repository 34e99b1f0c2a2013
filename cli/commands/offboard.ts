import { DURATION_PATTERN, durationMs } from '../../engine/duration.js';
import type { OffboardingItem, OffboardingState } from '../../contracts/offboarding.js';
import { effectiveText, PROGRESS_COLUMNS, progressOf, retentionText, verdictOf, verdictText } from '../../contracts/offboarding-view.js';
import { callApi, clientOptionsFromEnv } from '../api-client.js';
import { shortTime, summarize, table } from './format.js';
import { UsageError } from '../usage.js';

/** The command line's flags, as parseArgs gives them. */
export type OffboardFlags = Readonly<Record<string, string | boolean | undefined>>;

type Sub = 'start' | 'status' | 'report' | 'approve' | 'retry' | 'waive' | 'hold' | 'cancel';
const FLAGS: Readonly<Record<Sub, readonly string[]>> = {
  start: ['reason', 'dry-run', 'at', 'json'],
  status: ['json'],
  report: ['json'],
  approve: ['reason', 'json'],
  retry: ['item', 'json'],
  waive: ['item', 'reason', 'json'],
  hold: ['reason', 'lift', 'json'],
  cancel: ['reason', 'json'],
};
const USAGES: Readonly<Record<Sub, string>> = {
  start: 'offboard PERSON --reason TEXT [--dry-run] [--at TIME] [--json]',
  status: 'offboard status PERSON [--json]',
  report: 'offboard report PERSON [--json]',
  approve: 'offboard approve PERSON [--reason TEXT] [--json]',
  retry: 'offboard retry PERSON [--item ID] [--json]',
  waive: 'offboard waive PERSON --item ID --reason TEXT [--json]',
  hold: 'offboard hold PERSON --reason TEXT [--lift] [--json]',
  cancel: 'offboard cancel PERSON --reason TEXT [--json]',
};
const isSub = (s: string | undefined): s is Exclude<Sub, 'start'> => s !== undefined && s !== 'start' && s in FLAGS;
const text = (flags: OffboardFlags, name: string): string | undefined => {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
};

/** `--at`: an ISO 8601 time with a zone, or a duration from now ("2h", "3d"). */
export function effectiveAtOf(at: string, nowMs = Date.now()): string {
  if (DURATION_PATTERN.test(at.trim())) return new Date(nowMs + durationMs(at)).toISOString();
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(at.trim()) || Number.isNaN(Date.parse(at))) {
    throw new UsageError(`--at takes an ISO 8601 time with a zone (2025-07-01T09:00:00Z) or a duration from now (2h, 3d); got "${at}"`);
  }
  return new Date(at).toISOString();
}

const call = callApi;

/** What the AFTER / ERROR column says: never "undefined"; the error when there is one, else what was read or planned. */
function afterCell(i: OffboardingItem): string {
  const v = verdictOf(i);
  if (v === 'escalated' || v === 'would-fail') return i.error?.message ?? '-';
  if (v === 'waived') return `${i.waiver?.by ?? '?'}: ${i.waiver?.reason ?? ''}`;
  if (v === 'would-revoke' || v === 'would-ask') return i.plan?.at(-1) ?? '-';
  return i.after === undefined ? '-' : summarize(i.after, 60);
}

export function renderStatus(s: OffboardingState): string {
  const effective = effectiveText(s);
  const out = [
    `offboarding ${s.personId}: ${s.person.name} <${s.person.email}>${s.dryRun ? '  (DRY RUN: nothing is changed)' : ''}`,
    `  phase      ${s.phase}${effective ? ` (${effective})` : ''}`,
    `  reason     ${s.reason} (requested by ${s.requestedBy})`,
    `  legal hold ${s.legalHold.active ? `SET by ${s.legalHold.changes.at(-1)?.by}: ${s.legalHold.changes.at(-1)?.reason}` : 'none'}`,
    `  retention  ${retentionText(s)}`,
    '',
  ];
  const rows = Object.entries(s.providers).map(([name, p]) => [name, p.status, ...PROGRESS_COLUMNS.map(([key]) => String(p[key]))]);
  const all = progressOf(s.items);
  rows.push(['total', all.status, ...PROGRESS_COLUMNS.map(([key]) => String(all[key]))]);
  out.push(table(['PROVIDER', 'STATUS', ...PROGRESS_COLUMNS.map(([, title]) => title.toUpperCase())], rows));
  const line = (i: OffboardingItem) => [i.id, verdictText(i).split(':')[0]!, shortTime(i.finishedAt), afterCell(i)];
  out.push('', table(['ITEM', 'RESULT', 'AT', 'AFTER / ERROR'], s.items.map(line)));
  return `${out.join('\n')}\n`;
}

/**
 * `warden offboard PERSON --reason TEXT [--dry-run] [--at TIME]`, and `offboard status|report|approve|
 * retry|waive|hold|cancel PERSON`: starts, approves or steers an offboarding through the HTTP API.
 */
export async function offboardCommand(args: readonly (string | undefined)[], flags: OffboardFlags): Promise<number> {
  const [first, second, ...extra] = args.filter((a): a is string => a !== undefined);
  const sub: Sub = isSub(first) ? first : 'start';
  const person = sub === 'start' ? first : second;
  const stray = Object.keys(flags).filter((f) => flags[f] !== undefined && !FLAGS[sub].includes(f));
  const name = sub === 'start' ? 'offboard' : `offboard ${sub}`;
  if (stray.length > 0) throw new UsageError(`${name} does not take ${stray.map((f) => `--${f}`).join(', ')}`);
  if (!person || extra.length > 0 || (sub === 'start' && second !== undefined)) throw new UsageError(`usage: warden ${USAGES[sub]}`);
  const opts = { json: flags.json === true, reason: text(flags, 'reason'), at: text(flags, 'at'), item: text(flags, 'item'), dryRun: flags['dry-run'] === true, lift: flags.lift === true };
  const o = clientOptionsFromEnv();
  const base = `/v1/offboardings/${encodeURIComponent(person)}`;
  const post = async (path: string, body: unknown) => JSON.parse(await call(o, 'POST', path, body)) as Record<string, unknown>;
  const print = (value: unknown, text: string): number => {
    process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    return 0;
  };
  const reason = (): string => {
    if (!opts.reason?.trim()) throw new UsageError(`${name} needs --reason TEXT (it is recorded in the offboarding)`);
    return opts.reason;
  };
  switch (sub) {
    case 'start': {
      const body = { person, reason: reason(), dry_run: opts.dryRun, ...(opts.at ? { effective_at: effectiveAtOf(opts.at) } : {}) };
      const r = await post('/v1/offboardings', body);
      return print(r, `${r.joined ? 'joined the running' : 'started'} offboarding ${String(r.workflowId)}${body.dry_run ? ' (dry run)' : ''}; warden offboard status ${person} follows it`);
    }
    case 'status': {
      const state = JSON.parse(await call(o, 'GET', base)) as OffboardingState;
      return print(state, renderStatus(state).trimEnd());
    }
    case 'report':
      process.stdout.write(await call(o, 'GET', `${base}/report`, undefined, opts.json ? 'application/json' : 'text/markdown'));
      return 0;
    case 'approve': {
      const r = await post(`${base}/approve`, opts.reason ? { reason: opts.reason } : {});
      return print(r, `approved the offboarding of ${person}: revocation starts at its effective time`);
    }
    case 'retry': {
      const r = await post(`${base}/retry`, opts.item ? { item: opts.item } : {});
      return print(r, `retrying ${(r.retrying as string[]).join(', ')}`);
    }
    case 'waive': {
      if (!opts.item) throw new UsageError('offboard waive needs --item ID (see warden offboard status)');
      const r = await post(`${base}/waive`, { item: opts.item, reason: reason() });
      return print(r, `waived ${opts.item}`);
    }
    case 'hold': {
      const r = await post(`${base}/legal-hold`, { hold: !opts.lift, reason: reason() });
      return print(r, `legal hold ${opts.lift ? 'lifted' : 'set'} on the offboarding of ${person}`);
    }
    default: {
      const r = await post(`${base}/cancel`, { reason: reason() });
      return print(r, `cancelled the offboarding of ${person} (it was ${String(r.phase)})`);
    }
  }
}
