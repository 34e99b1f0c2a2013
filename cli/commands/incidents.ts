import { PHASES } from '../../engine/playbook-types.js';
import type { IncidentState } from '../../contracts/incident.js';
import { ApiClient, type IncidentFilters, type StepAction } from '../api-client.js';
import { between, formatDuration, shortTime, table } from './format.js';
import { stepLines } from './incident-steps.js';
import { followIncident } from './follow.js';

/** The readable view of an incident's state: header, times, steps per phase, notes, timeline. */
export function renderIncident(s: IncidentState, nowMs = Date.now()): string {
  const t = s.times;
  const out: string[] = [];
  out.push(`incident ${s.incidentId}: ${s.title}`);
  const header: [string, string][] = [
    ['playbook', `${s.playbook.id} v${s.playbook.version} (sha256:${s.playbook.sha256.slice(0, 12)}) ${s.playbook.title}`],
    ['status', `${s.status}${s.phase !== 'done' ? ` (phase ${s.phase})` : ''}`],
    ['severity', s.severity],
    ['dry run', s.dryRun ? 'yes: every step is a plan, nothing changes' : 'no'],
    ['alerts', `${s.alerts.count} (last at ${shortTime(s.alerts.lastAt)})`],
    ['opened by', s.openedBy],
  ];
  if (s.linkedIncidentId) header.push(['follows', s.linkedIncidentId]);
  for (const tg of s.targets ?? []) header.push([`target ${tg.n}`, `${tg.names}, named at ${shortTime(tg.at)}: ${tg.steps.join(', ')}`]);
  for (const r of s.reopenings ?? []) header.push(['reopened', `at ${shortTime(r.at)} by alert "${r.title}" (the resolution by ${r.previousResolution.by} set aside)`]);
  if (s.cancel) header.push(['cancelled', `by ${s.cancel.by} at ${shortTime(s.cancel.at)}${s.cancel.rollback ? ' with rollback' : ''}: ${s.cancel.reason}`]);
  if (s.failure) header.push(['failure', `step ${s.failure.stepId}: ${s.failure.message}`]);
  if (s.acknowledged) header.push(['acknowledged', `by ${s.acknowledged.by} at ${shortTime(s.acknowledged.at)}`]);
  if (s.falsePositive) header.push(['false positive', `by ${s.falsePositive.by} at ${shortTime(s.falsePositive.at)}: ${s.falsePositive.reason}`]);
  if (s.mergedInto) header.push(['merged into', `${s.mergedInto.incidentId} by ${s.mergedInto.by} at ${shortTime(s.mergedInto.at)}${s.mergedInto.reason ? `: ${s.mergedInto.reason}` : ''}`]);
  for (const m of s.mergedFrom ?? []) header.push(['merged from', `${m.incidentId} (${m.alerts} alert(s)) by ${m.by} at ${shortTime(m.at)}`]);
  for (const p of s.playbookStarts ?? []) header.push(['started', `playbook ${p.playbook} v${p.version} after ${p.from} by ${p.by} at ${shortTime(p.at)}${p.reason ? `: ${p.reason}` : ''}`]);
  out.push(...kv(header, '  '));

  // A false positive or a merge ended the incident: its end is no recovery.
  const triaged = s.status === 'false_positive' || s.status === 'merged';
  const resolvedAt = t.recoveredAt ?? (triaged ? undefined : t.closedAt);
  const mttd = between(t.detectedAt, t.createdAt);
  const mttr = between(t.detectedAt, resolvedAt);
  const mtta = between(t.detectedAt, t.acknowledgedAt);
  out.push('', 'times');
  out.push(
    ...kv(
      [
        ['detected', shortTime(t.detectedAt)],
        ['created', shortTime(t.createdAt)],
        ['first human action', shortTime(t.firstHumanActionAt)],
        ['acknowledged', shortTime(t.acknowledgedAt)],
        ['contained', shortTime(t.containedAt)],
        ['eradicated', shortTime(t.eradicatedAt)],
        ['recovered', shortTime(t.recoveredAt)],
        ['closed', shortTime(t.closedAt)],
        ['MTTD', mttd === undefined ? '-' : `${formatDuration(mttd)} (created − detected)`],
        ['MTTA', mtta === undefined ? '- (not acknowledged yet)' : `${formatDuration(mtta)} (acknowledged − detected)`],
        [
          'MTTR',
          mttr === undefined
            ? triaged
              ? `- (${s.status === 'merged' ? 'merged' : 'a false positive'}: no recovery)`
              : '- (not recovered yet)'
            : `${formatDuration(mttr)} (${t.recoveredAt ? 'recovered' : 'closed'} − detected)`,
        ],
      ],
      '  ',
    ),
  );

  const steps = Object.values(s.steps);
  for (const phase of PHASES) {
    const inPhase = steps.filter((st) => st.phase === phase);
    if (inPhase.length === 0) continue;
    out.push('', `${phase}${s.phase === phase ? '  (current)' : ''}`);
    for (const st of inPhase) out.push(...stepLines(st, nowMs));
  }

  out.push('', `notes (${s.notes.length})`);
  for (const n of s.notes) out.push(`  ${shortTime(n.at)}  ${n.by}${n.afterClose ? ' (after closing)' : ''}: ${n.text}`);
  out.push('', 'timeline');
  for (const e of s.timeline) out.push(`  ${shortTime(e.at)}  ${e.event}${e.by ? ` (${e.by})` : ''}`);
  return `${out.join('\n')}\n`;
}

function kv(rows: readonly [string, string][], indent: string): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `warden incidents list [--status S] [--severity S] [--playbook P] [--json]` */
export async function listIncidentsCommand(filters: IncidentFilters, opts: { json: boolean }): Promise<number> {
  const { incidents } = await ApiClient.fromEnv().listIncidents(filters);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(incidents, null, 2)}\n`);
    return 0;
  }
  if (incidents.length === 0) {
    process.stdout.write('no incidents\n');
    return 0;
  }
  const rows = incidents.map((i) => [
    i.incidentId,
    `${i.dryRun ? '[DRY RUN] ' : ''}${clip(i.title ?? '-', 60)}`,
    i.status ?? '-',
    i.severity ?? '-',
    i.playbook ?? '-',
    i.phase ?? '-',
    shortTime(i.startTime),
  ]);
  process.stdout.write(table(['ID', 'TITLE', 'STATUS', 'SEVERITY', 'PLAYBOOK', 'PHASE', 'STARTED'], rows));
  return 0;
}

/** `warden incidents show ID [--json]` */
export async function showIncidentCommand(id: string, opts: { json: boolean; follow?: boolean }): Promise<number> {
  const api = ApiClient.fromEnv();
  if (opts.follow) {
    await followIncident(() => api.getIncident(id), { json: opts.json });
    return 0;
  }
  const state = await api.getIncident(id);
  process.stdout.write(opts.json ? `${JSON.stringify(state, null, 2)}\n` : renderIncident(state));
  return 0;
}

/** `warden incidents step ID STEP --retry|--done-by-hand NOTE|--skip REASON [--json]` */
export async function stepActionCommand(id: string, stepId: string, action: StepAction, opts: { json: boolean }): Promise<number> {
  const result = await ApiClient.fromEnv().stepAction(id, stepId, action);
  const said = action.action === 'retry' ? 'retry requested' : action.action === 'skip' ? 'skipped' : 'marked done by hand';
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `step ${stepId} of incident ${id}: ${said} (now ${result.status})\n`);
  return 0;
}

/** `warden incidents resolve ID --summary TEXT` and `warden incidents lessons ID --cause --impact [--follow-ups "A; B"]` */
export async function closingCommand(id: string, what: { resolve: string } | { lessons: { cause: string; impact: string; followUps: string[] } }, opts: { json: boolean }): Promise<number> {
  const api = ApiClient.fromEnv();
  const result = 'resolve' in what ? await api.resolve(id, what.resolve) : await api.lessons(id, what.lessons);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `incident ${id}: ${'resolve' in what ? 'resolved' : 'lessons recorded'} (now ${result.status})\n`);
  return 0;
}
