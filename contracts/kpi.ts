/**
 * Response-time KPIs of incidents (issue #16), computed from the times each incident recorded in
 * its state, never from counters: pure and sandbox-safe, so the server, the CLI and the tests use
 * the same figures. Every duration is measured from the detection (`times.detectedAt`: the alert's
 * own observed time when it carried one, else when Warden accepted it) and rounded down to whole
 * minutes:
 *
 * - MTTD: detected → accepted (`times.createdAt`, when the incident workflow started for the alert).
 * - MTTA: → the first acknowledgement by a person (`times.acknowledgedAt`, the incident.acknowledge Update).
 * - MTTC: → containment (`times.containedAt`): when the LAST step of the contain phase took effect
 *   at its peer (applied and read back, already so, or done by hand by a person), once every
 *   containment step is done. An incident whose playbook has no containment step has no MTTC.
 * - MTTR: → recovery (`times.recoveredAt`, the last recover step that took effect), else the
 *   person's resolution (`times.resolvedAt`) for playbooks without recover steps.
 *
 * Dry runs, false positives, merged and cancelled incidents are left out of the figures (and
 * counted under `excluded`). A time not reached yet counts the incident as open for that figure;
 * past its target it is a breach in progress, measured up to `asOf`.
 */
import type { Severity } from '../engine/playbook-types.js';
import type { IncidentState } from './incident.js';
import { figuresOf, minutesBetween, msBetween, type Figures } from './kpi-stats.js';

export type IncidentMetric = 'mttd' | 'mtta' | 'mttc' | 'mttr';
export const INCIDENT_METRICS: readonly IncidentMetric[] = ['mttd', 'mtta', 'mttc', 'mttr'];

/** The targets of the seed article: MTTD < 4 h, MTTR < 24 h (warden.yaml `kpi.targets` may change them). */
export interface KpiTargets {
  readonly mttdMinutes: number;
  readonly mttrMinutes: number;
}
export const DEFAULT_KPI_TARGETS: KpiTargets = { mttdMinutes: 4 * 60, mttrMinutes: 24 * 60 };

/** A figure over the incidents that reached its time, and how many had not reached it yet. */
export type MetricFigures = Figures & { readonly open: number };

export interface IncidentGroupKpi {
  readonly playbook: string;
  readonly severity: Severity;
  readonly incidents: number;
  readonly figures: Record<IncidentMetric, MetricFigures>;
}

export interface KpiBreach {
  readonly incidentId: string;
  readonly playbook: string;
  readonly severity: Severity;
  readonly metric: 'mttd' | 'mttr';
  readonly targetMinutes: number;
  /** The measured time; for a breach in progress, the time elapsed up to `asOf`. */
  readonly measuredMinutes: number;
  readonly overByMinutes: number;
  readonly inProgress: boolean;
}

export interface IncidentKpis {
  readonly unit: 'minutes';
  readonly window: { readonly since: string; readonly until: string };
  readonly asOf: string;
  readonly targets: KpiTargets;
  readonly incidents: number;
  readonly overall: Record<IncidentMetric, MetricFigures>;
  readonly groups: IncidentGroupKpi[];
  readonly breaches: KpiBreach[];
  readonly excluded: { readonly dryRun: number; readonly falsePositive: number; readonly merged: number; readonly cancelled: number };
}

export interface IncidentKpiOptions {
  /** Incidents accepted (times.createdAt) in [since, until) count. */
  readonly since: string;
  readonly until: string;
  /** Where open incidents are measured up to (breaches in progress); usually now. */
  readonly asOf: string;
  readonly targets?: KpiTargets;
  readonly playbook?: string;
}

/** Per incident: each figure in minutes, or open (not reached), or not applicable. */
type Measured = Record<IncidentMetric, number | 'open' | 'n/a'>;

/** The figure ends an incident recorded, as described at the top of this file. */
export function measureIncident(s: IncidentState): Measured {
  const t = s.times;
  const hasContainment = Object.values(s.steps).some((st) => st.phase === 'contain');
  const or = (m: number | undefined): number | 'open' => m ?? 'open';
  return {
    mttd: or(minutesBetween(t.detectedAt, t.createdAt)),
    mtta: or(minutesBetween(t.detectedAt, t.acknowledgedAt)),
    mttc: hasContainment ? or(minutesBetween(t.detectedAt, t.containedAt)) : 'n/a',
    mttr: or(minutesBetween(t.detectedAt, t.recoveredAt ?? t.resolvedAt ?? t.closedAt)),
  };
}

/** Why an incident is left out of the live figures, if it is. */
export function exclusionOf(s: IncidentState): keyof IncidentKpis['excluded'] | undefined {
  if (s.dryRun || s.status === 'planned') return 'dryRun';
  if (s.status === 'false_positive' || s.falsePositive) return 'falsePositive';
  if (s.status === 'merged' || s.mergedInto) return 'merged';
  if (s.status === 'cancelled') return 'cancelled';
  return undefined;
}

function figures(measured: readonly Measured[]): Record<IncidentMetric, MetricFigures> {
  const out = {} as Record<IncidentMetric, MetricFigures>;
  for (const m of INCIDENT_METRICS) {
    const values = measured.map((x) => x[m]).filter((v): v is number => typeof v === 'number');
    out[m] = { ...figuresOf(values), open: measured.filter((x) => x[m] === 'open').length };
  }
  return out;
}

/** The incident KPIs of `states` (each incident's latest state) over the window. */
export function incidentKpis(states: readonly IncidentState[], opts: IncidentKpiOptions): IncidentKpis {
  const targets = opts.targets ?? DEFAULT_KPI_TARGETS;
  const excluded = { dryRun: 0, falsePositive: 0, merged: 0, cancelled: 0 };
  const since = Date.parse(opts.since);
  const until = Date.parse(opts.until);
  const live: { s: IncidentState; m: Measured }[] = [];
  for (const s of states) {
    const created = Date.parse(s.times.createdAt);
    if (!(created >= since && created < until)) continue;
    if (opts.playbook && s.playbook.id !== opts.playbook) continue;
    const why = exclusionOf(s);
    if (why) excluded[why]++;
    else live.push({ s, m: measureIncident(s) });
  }
  const groups = new Map<string, { s: IncidentState; m: Measured }[]>();
  for (const x of live) {
    const key = `${x.s.playbook.id}\u0000${x.s.severity}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  return {
    unit: 'minutes',
    window: { since: opts.since, until: opts.until },
    asOf: opts.asOf,
    targets,
    incidents: live.length,
    overall: figures(live.map((x) => x.m)),
    groups: [...groups.values()]
      .map((xs) => ({ playbook: xs[0]!.s.playbook.id, severity: xs[0]!.s.severity, incidents: xs.length, figures: figures(xs.map((x) => x.m)) }))
      .sort((a, b) => a.playbook.localeCompare(b.playbook) || a.severity.localeCompare(b.severity)),
    breaches: live.flatMap((x) => breachesOf(x.s, x.m, targets, opts.asOf)).sort((a, b) => b.overByMinutes - a.overByMinutes || a.incidentId.localeCompare(b.incidentId)),
    excluded,
  };
}

/** MTTD and MTTR against their targets: a target is met only below it (a time equal to it is a breach). */
function breachesOf(s: IncidentState, m: Measured, targets: KpiTargets, asOf: string): KpiBreach[] {
  const out: KpiBreach[] = [];
  const check = (metric: 'mttd' | 'mttr', targetMinutes: number): void => {
    const value = m[metric];
    if (value === 'n/a') return;
    const inProgress = value === 'open';
    const measuredMinutes = inProgress ? Math.floor((msBetween(s.times.detectedAt, asOf) ?? 0) / 60_000) : value;
    if (measuredMinutes < targetMinutes) return;
    out.push({ incidentId: s.incidentId, playbook: s.playbook.id, severity: s.severity, metric, targetMinutes, measuredMinutes, overByMinutes: measuredMinutes - targetMinutes, inProgress });
  };
  check('mttd', targets.mttdMinutes);
  check('mttr', targets.mttrMinutes);
  return out;
}
