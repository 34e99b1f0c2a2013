/** `warden kpi [--since TIME|30d] [--until TIME] [--playbook P] [--json]`: the KPIs of GET /v1/kpis, as tables. */
import type { IncidentMetric, MetricFigures } from '../../contracts/kpi.js';
import { INCIDENT_METRICS } from '../../contracts/kpi.js';
import type { KpiReport } from '../../server/kpis.js';
import { ApiClient, callApi } from '../api-client.js';
import { table } from './format.js';
import { act, JSON_FLAG, type Command } from './program.js';

export interface KpiOptions {
  /** An ISO 8601 time, or a window back from --until such as 30d, 24h, 12w. */
  readonly since?: string;
  readonly until?: string;
  readonly playbook?: string;
  readonly json: boolean;
}

/** The query string of GET /v1/kpis for these options: `--since 30d` is the window, an ISO time is since. */
export function kpiQueryString(o: Omit<KpiOptions, 'json'>): string {
  const q = new URLSearchParams();
  if (o.since) q.set(/^\d+[hdw]$/.test(o.since) ? 'window' : 'since', o.since);
  if (o.until) q.set('until', o.until);
  if (o.playbook) q.set('playbook', o.playbook);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Whole minutes as `1d 7h`, `5h 30m`, `10m` (every unit that is not zero), `-` for none. */
export function minutesText(m: number | null): string {
  if (m === null) return '-';
  const sign = m < 0 ? '-' : '';
  const a = Math.abs(m);
  const parts = [
    [Math.floor(a / 1440), 'd'],
    [Math.floor((a % 1440) / 60), 'h'],
    [a % 60, 'm'],
  ]
    .filter(([n]) => n !== 0)
    .map(([n, u]) => `${n}${u}`);
  return sign + (parts.join(' ') || '0m');
}
const mins = minutesText;
const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const cell = (f: MetricFigures): string => `${mins(f.p50Minutes)} / ${mins(f.p90Minutes)} / ${mins(f.maxMinutes)} (n=${f.count}${f.open ? `, open ${f.open}` : ''})`;
const row = (label: readonly string[], figs: Record<IncidentMetric, MetricFigures>): string[] => [...label, ...INCIDENT_METRICS.map((m) => cell(figs[m]))];

/** The report as the tables `warden kpi` prints. */
export function renderKpis(r: KpiReport): string {
  const i = r.incidents;
  const out: string[] = [];
  out.push(`incidents accepted ${i.window.since} → ${i.window.until} (as of ${i.asOf}); each figure p50 / p90 / max`);
  out.push(`targets: MTTD < ${mins(i.targets.mttdMinutes)}, MTTR < ${mins(i.targets.mttrMinutes)}`);
  const head = ['PLAYBOOK', 'SEVERITY', 'N', 'MTTD', 'MTTA', 'MTTC', 'MTTR'];
  const rows = i.groups.map((g) => row([g.playbook, g.severity, String(g.incidents)], g.figures));
  rows.push(row(['all', '', String(i.incidents)], i.overall));
  out.push(table(head, rows).trimEnd());
  const ex = i.excluded;
  out.push(`excluded from the live figures: ${ex.dryRun} dry run(s), ${ex.falsePositive} false positive(s), ${ex.merged} merged, ${ex.cancelled} cancelled`);
  if (i.breaches.length === 0) out.push('breaches: none');
  else {
    out.push(`breaches (${i.breaches.length}):`);
    const b = i.breaches.map((x) => [
      x.incidentId,
      x.playbook,
      x.metric.toUpperCase(),
      `< ${mins(x.targetMinutes)}`,
      mins(x.measuredMinutes),
      `+${mins(x.overByMinutes)}`,
      x.inProgress ? 'in progress (open)' : '',
    ]);
    out.push(table(['INCIDENT', 'PLAYBOOK', 'TARGET', 'LIMIT', 'MEASURED', 'OVER BY', ''], b).trimEnd());
  }
  out.push('', 'access reviews (completion: items a person decided by the deadline)');
  if (r.reviews.campaigns.length === 0) out.push('  no live campaigns in the window');
  else {
    const c = r.reviews.campaigns.map((x) => [
      x.campaignId,
      x.deadline ?? '-',
      String(x.items),
      pct(x.completionByDeadline),
      `${pct(x.revokedOnSilenceShare)} (${x.revokedOnSilence})`,
      x.over ? 'over' : 'open',
    ]);
    out.push(table(['CAMPAIGN', 'DEADLINE', 'ITEMS', 'BY DEADLINE', 'REVOKED ON SILENCE', 'REVIEW'], c).trimEnd());
  }
  const o = r.offboarding;
  out.push(
    '',
    `offboarding (request → last revocation read back): p50 ${mins(o.figures.p50Minutes)}, p90 ${mins(o.figures.p90Minutes)}, max ${mins(o.figures.maxMinutes)} (n=${o.figures.count}, open ${o.figures.open})`,
  );
  const unread = [r.incidents.sources, r.reviews.sources, r.offboarding.sources].flatMap((s) => s.unreadable);
  if (unread.length > 0) out.push('', `could not read ${unread.length} workflow(s): ${unread.map((u) => u.workflowId).join(', ')}`);
  if ([r.incidents.sources, r.reviews.sources, r.offboarding.sources].some((s) => s.truncated)) out.push('', 'truncated: more workflows than one request reads; narrow the window');
  return `${out.join('\n')}\n`;
}

export async function kpiCommand(o: KpiOptions): Promise<number> {
  const text = await callApi(ApiClient.fromEnv().options, 'GET', `/v1/kpis${kpiQueryString(o)}`);
  process.stdout.write(o.json ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : renderKpis(JSON.parse(text) as KpiReport));
  return 0;
}

/** `warden kpi`: one register call in the command tree. */
export function registerKpi(program: Command): void {
  program
    .command('kpi')
    .description('MTTD/MTTA/MTTC/MTTR against the targets, review completion and offboarding time, from recorded times')
    .option('--since <time|window>', 'an ISO 8601 time, or a window back from --until such as 30d, 24h, 12w (default 30d)')
    .option('--until <time>', 'an ISO 8601 time (default now)')
    .option('--playbook <id>', 'only incidents of this playbook')
    .option(...JSON_FLAG)
    .action(
      act((opts: { since?: string; until?: string; playbook?: string; json?: boolean }) => kpiCommand({ since: opts.since, until: opts.until, playbook: opts.playbook, json: opts.json ?? false })),
    );
}
