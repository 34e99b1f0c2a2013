import { loadWardenConfig } from '../../config/load.js';
import { loadAccessPolicy, PolicyError } from '../../activities/reviews/policy/load-policy.js';
import { FINDING_KINDS } from '../../contracts/review-types.js';
import { connectClient } from '../../temporal/connection.js';
import { describeReviewSchedule, ensureReviewSchedule } from '../../temporal/review-schedule.js';
import { REVIEW_SCHEDULE_ID, type CampaignState, type ReviewDecideResult } from '../../contracts/reviews.js';
import { callApi, CliError, clientOptionsFromEnv, type ApiClientOptions } from '../api-client.js';
import { commandContext } from '../context.js';
import { shortTime, table } from './format.js';
import { UsageError } from '../usage.js';
import { renderReviewSummary } from './review-summary.js';

/** The command line's flags, as parseArgs gives them. */
export type ReviewFlags = Readonly<Record<string, string | boolean | undefined>>;

const SUBS = ['run', 'status', 'report', 'decide', 'approve', 'schedule', 'validate'] as const;
type Sub = (typeof SUBS)[number];
const FLAGS: Readonly<Record<Sub, readonly string[]>> = {
  run: ['dry-run', 'scope', 'id', 'json'],
  status: ['json'],
  report: ['format'],
  decide: ['reason', 'reviewer', 'keep-unflagged', 'json'],
  approve: ['reject', 'reason', 'json'],
  schedule: ['cron', 'timezone', 'json'],
  validate: [],
};
export const REVIEW_USAGES: Readonly<Record<Sub, string>> = {
  run: 'review run [--dry-run] [--scope aws,github] [--id ID] [--json]',
  status: 'review status ID [--json]',
  report: 'review report ID [--format summary|json|csv|html]',
  decide: 'review decide ID ITEM keep|revoke [--reason TEXT] [--reviewer P] [--json], or review decide ID --keep-unflagged [--reviewer P]',
  approve: 'review approve ID [--reject] [--reason TEXT] [--json]',
  schedule: 'review schedule [--cron EXPR] [--timezone TZ] [--json]',
  validate: 'review validate [DIR]',
};
const isSub = (s: string | undefined): s is Sub => (SUBS as readonly (string | undefined)[]).includes(s);
const text = (flags: ReviewFlags, name: string): string | undefined => {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
};

/** The review endpoints answer JSON, CSV or HTML: accept any. */
const call = (o: ApiClientOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> => callApi(o, method, path, body, '*/*');

/** gRPC INVALID_ARGUMENT (3), anywhere along the cause chain: Temporal refused what was sent. */
function isInvalidArgument(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if ((e as { code?: unknown }).code === 3) return true;
  return false;
}

const pct = (x: number | undefined) => (x === undefined ? '- (once the reviews close)' : `${(x * 100).toFixed(1)}%`);

/** The campaign at a glance: phase, counts, completion, deadline, approval and evidence. */
export function renderCampaign(s: CampaignState): string {
  const c = s.counts;
  const findings = FINDING_KINDS.filter((k) => c.findings[k] > 0).map((k) => `${k} ${c.findings[k]}`);
  const out = [
    `campaign ${s.campaignId}${s.dryRun ? '  (DRY RUN)' : ''}`,
    `  phase         ${s.phase}${s.closedAt ? ` (closed ${shortTime(s.closedAt)})` : ''}`,
    `  requested by  ${s.requestedBy} at ${shortTime(s.startedAt)}`,
    `  scope         ${s.scope.join(', ') || '-'}`,
    `  deadline      ${shortTime(s.deadline)}${s.onSilence ? ` (then on silence: ${s.onSilence})` : ''}`,
    `  entitlements  ${c.entitlements}, flagged ${c.flagged}${findings.length ? ` (${findings.join(', ')})` : ''}`,
    `  reviewers     ${c.reviewers} (shards ${s.shards.done}/${s.shards.total})`,
    `  decided       ${c.decided}: kept ${c.kept}, revoked ${c.revoked}; on silence kept ${c.keptOnSilence}, revoked ${c.revokedOnSilence}, exceptions kept ${c.exceptionsKept}`,
    `  completion    ${pct(s.completionRate)}`,
    `  enforcement   enforced ${c.enforced}, already revoked ${c.alreadyRevoked}, failed ${c.enforcementFailed}, offboardings ${c.offboardingsStarted}`,
  ];
  if (s.approval) {
    const d = s.approval.decision;
    out.push(`  approval      group ${s.approval.group}: ${d ? `${d.approved ? 'approved' : 'rejected'} by ${d.by} at ${shortTime(d.at)}${d.reason ? ` (${d.reason})` : ''}` : 'pending'}`);
  }
  out.push(
    '',
    s.evidence.length
      ? table(
          ['EVIDENCE', 'SHA256', 'URI'],
          s.evidence.map((e) => [e.name, e.sha256.slice(0, 16), e.uri]),
        ).trimEnd()
      : s.evidenceError
        ? `evidence: FAILED: ${s.evidenceError}`
        : 'evidence: none yet',
  );
  return out.join('\n');
}

/** `warden review schedule`: creates or updates the Schedule directly on Temporal, then shows its next runs. */
async function scheduleCommand(cron: string | undefined, timezone: string | undefined, json: boolean): Promise<number> {
  const ctx = commandContext();
  const settings = ctx.config.file.reviews.schedule;
  const opts = { cron: cron ?? settings.cron, timezone: timezone ?? settings.timezone };
  const client = await connectClient(ctx.target, ctx.dataConverter);
  try {
    let result: 'created' | 'updated';
    try {
      result = await ensureReviewSchedule(client, opts);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      // The SDK reports a spec Temporal refuses as a TypeError carrying the server's reason.
      if (err instanceof TypeError || isInvalidArgument(err)) throw new CliError(`Temporal refused the schedule (cron "${opts.cron}", time zone ${opts.timezone}): ${(err as Error).message}`);
      throw err;
    }
    const next = (await describeReviewSchedule(client)).info.nextActionTimes.slice(0, 4).map((t) => t.toISOString());
    if (json) {
      process.stdout.write(`${JSON.stringify({ result, scheduleId: REVIEW_SCHEDULE_ID, ...opts, nextActionTimes: next }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`${result} schedule ${REVIEW_SCHEDULE_ID}: cron "${opts.cron}" in ${opts.timezone}, overlapping runs skipped\nnext runs:\n${next.map((t) => `  ${shortTime(t)}\n`).join('')}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

/** `warden review validate [DIR]`: every problem of the access policy with file:line:column; exit 1 if any. */
function validateCommand(dir: string | undefined): number {
  const policyDir = dir ?? loadWardenConfig().file.reviews.policyDir;
  try {
    const policy = loadAccessPolicy(policyDir);
    process.stdout.write(`ok  ${policyDir}: ${policy.roles.length} roles, ${policy.assets.length} assets, ${policy.rules.length} mapping rules\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    for (const issue of err.issues) process.stderr.write(`${issue}\n`);
    process.stderr.write(`${err.issues.length} problem(s) in ${policyDir}\n`);
    return 1;
  }
}

/**
 * `warden review run|status|report|decide|approve|schedule|validate`: campaigns through the HTTP
 * API; the Schedule directly on Temporal; the policy files locally.
 */
export async function reviewCommand(args: readonly (string | undefined)[], flags: ReviewFlags): Promise<number> {
  const [sub, ...rest] = args.filter((a): a is string => a !== undefined);
  if (!isSub(sub)) throw new UsageError(`unknown review subcommand "${sub ?? ''}"; expected ${SUBS.join(', ')}`);
  const stray = Object.keys(flags).filter((f) => flags[f] !== undefined && !FLAGS[sub].includes(f));
  if (stray.length > 0) throw new UsageError(`review ${sub} does not take ${stray.map((f) => `--${f}`).join(', ')}`);
  const json = flags.json === true;
  const usage = () => new UsageError(`usage: warden ${REVIEW_USAGES[sub]}`);
  const arity = (...allowed: number[]) => {
    if (!allowed.includes(rest.length)) throw usage();
  };
  const print = (value: unknown, line: string): number => {
    process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${line}\n`);
    return 0;
  };
  if (sub === 'schedule') {
    arity(0);
    return scheduleCommand(text(flags, 'cron'), text(flags, 'timezone'), json);
  }
  if (sub === 'validate') {
    arity(0, 1);
    return validateCommand(rest[0]);
  }
  const o = clientOptionsFromEnv();
  const base = (id: string) => `/v1/reviews/${encodeURIComponent(id)}`;
  const post = async (path: string, body: unknown) => JSON.parse(await call(o, 'POST', path, body)) as Record<string, unknown>;
  switch (sub) {
    case 'run': {
      arity(0);
      const scope = text(flags, 'scope')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const dryRun = flags['dry-run'] === true;
      const r = await post('/v1/reviews', { dry_run: dryRun, ...(scope ? { scope } : {}), ...(text(flags, 'id') ? { id: text(flags, 'id') } : {}) });
      return print(r, `started campaign ${String(r.id)} (${String(r.workflow_id)})${dryRun ? ', a dry run' : ''}; warden review status ${String(r.id)} follows it`);
    }
    case 'status': {
      arity(1);
      const state = JSON.parse(await call(o, 'GET', base(rest[0]!))) as CampaignState;
      return print(state, renderCampaign(state));
    }
    case 'report': {
      arity(1);
      const format = text(flags, 'format') ?? 'summary';
      if (!['summary', 'json', 'csv', 'html'].includes(format)) throw new UsageError(`--format takes summary, json, csv or html; got "${format}"`);
      const body = await call(o, 'GET', `${base(rest[0]!)}/report?format=${format === 'summary' ? 'json' : format}`);
      process.stdout.write(format === 'summary' ? renderReviewSummary(body) : body.endsWith('\n') ? body : `${body}\n`);
      return 0;
    }
    case 'decide': {
      const keepUnflagged = flags['keep-unflagged'] === true;
      arity(...(keepUnflagged ? [1, 3] : [3]));
      const [id, item, decision] = rest as [string, string | undefined, string | undefined];
      if (decision !== undefined && decision !== 'keep' && decision !== 'revoke') throw new UsageError(`the decision is keep or revoke; got "${decision}"`);
      const reason = text(flags, 'reason');
      const body = {
        ...(text(flags, 'reviewer') ? { reviewer: text(flags, 'reviewer') } : {}),
        ...(item && decision ? { decisions: [{ item, decision, ...(reason ? { reason } : {}) }] } : {}),
        ...(keepUnflagged ? { keep_all_unflagged: true } : {}),
      };
      const r = (await post(`${base(id)}/decisions`, body)) as unknown as ReviewDecideResult & { reviewer: string };
      return print(r, `recorded ${r.applied} decision(s) on ${r.reviewer}'s review in campaign ${id}; ${r.remaining} item(s) left`);
    }
    default: {
      arity(1);
      const approve = flags.reject !== true;
      const reason = text(flags, 'reason');
      const r = await post(`${base(rest[0]!)}/approval`, { approve, ...(reason ? { reason } : {}) });
      return print(r, `${approve ? 'approved' : 'rejected'} the revocations of campaign ${rest[0]!}`);
    }
  }
}
