/** The pure KPI maths (issue #16): nearest-rank percentiles, whole minutes, and the access KPIs over recorded decisions and revocations. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import type { IncidentState } from '../../contracts/incident.js';
import { incidentKpis, measureIncident } from '../../contracts/kpi.js';
import { offboardingKpis, reviewCampaignKpi } from '../../contracts/kpi-access.js';
import { figuresOf, minutesBetween, percentile } from '../../contracts/kpi-stats.js';
import type { OffboardingItem, OffboardingState } from '../../contracts/offboarding.js';
import type { ReviewerState } from '../../contracts/reviews.js';

describe('percentiles', () => {
  it('are nearest-rank: the smallest value with at least q of the values at or below it, never interpolated', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([10, 1, 7, 3], 0.5)).toBe(3); // unsorted input: ranks 2 of 4
    expect(percentile([10, 1, 7, 3], 0.9)).toBe(10); // ceil(3.6) = 4th
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([5, 5, 5], 0.5)).toBe(5);
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentile([1, 2, 3], 1)).toBe(3);
    expect(() => percentile([1], 0)).toThrow(/q must be in \(0, 1\]/);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });

  it('figures give count, p50, p90 and max, and null for none; the input is not reordered', () => {
    const values = [30, 60, 300, 120];
    expect(figuresOf(values)).toEqual({ count: 4, p50Minutes: 60, p90Minutes: 300, maxMinutes: 300 });
    expect(values).toEqual([30, 60, 300, 120]);
    expect(figuresOf([])).toEqual({ count: 0, p50Minutes: null, p90Minutes: null, maxMinutes: null });
  });

  it('durations are whole minutes rounded down, undefined when an end is missing or unreadable', () => {
    expect(minutesBetween('2026-01-01T00:00:00Z', '2026-01-01T03:59:59.999Z')).toBe(239);
    expect(minutesBetween('2026-01-01T00:00:00Z', '2026-01-01T04:00:00Z')).toBe(240);
    expect(minutesBetween('2026-01-01T00:00:00Z', undefined)).toBeUndefined();
    expect(minutesBetween('not a time', '2026-01-01T04:00:00Z')).toBeUndefined();
  });
});

const T = Date.parse('2026-03-01T00:00:00Z');
const at = (minutes: number): string => new Date(T + minutes * 60_000).toISOString();

function incident(id: string, times: Partial<IncidentState['times']>, over: Partial<IncidentState> = {}): IncidentState {
  return {
    incidentId: id,
    playbook: { id: 'pb', version: 1, sha256: 'x', title: 'pb' },
    title: id,
    dryRun: false,
    openedBy: 'test',
    status: 'open',
    phase: 'contain',
    severity: 'high',
    steps: { s: { id: 's', phase: 'contain', action: 'notify.slack', title: 's', status: 'pending' } },
    completed: [],
    alerts: { count: 1, recent: [], lastAt: at(0) },
    notes: [],
    timeline: [],
    times: { detectedAt: at(0), createdAt: at(0), ...times },
    runs: 1,
    ...over,
  };
}

describe('incident KPIs (pure)', () => {
  const window = { since: at(0), until: at(10_000), asOf: at(2_000) };

  it('a time equal to its target is a breach; one minute under is not', () => {
    const r = incidentKpis([incident('on', { createdAt: at(240) }), incident('under', { createdAt: at(239) })], window);
    expect(r.breaches.map((b) => [b.incidentId, b.metric, b.overByMinutes])).toEqual([
      ['on', 'mttr', 2000 - 1440],
      ['under', 'mttr', 2000 - 1440],
      ['on', 'mttd', 0],
    ]);
    expect(r.breaches.filter((b) => b.metric === 'mttr').every((b) => b.inProgress && b.measuredMinutes === 2000)).toBe(true);
  });

  it('leaves out dry runs, false positives, merged and cancelled incidents, and incidents accepted outside the window or of another playbook', () => {
    const states = [
      incident('live', { createdAt: at(5), resolvedAt: at(60) }),
      incident('dry', {}, { dryRun: true, status: 'planned' }),
      incident('fp', {}, { status: 'false_positive' }),
      incident('merged', {}, { status: 'merged' }),
      incident('cancelled', {}, { status: 'cancelled' }),
      incident('before', { createdAt: at(-1) }),
      incident('other', {}, { playbook: { id: 'other', version: 1, sha256: 'x', title: 'o' } }),
    ];
    const r = incidentKpis(states, { ...window, playbook: 'pb' });
    expect(r.incidents).toBe(1);
    expect(r.excluded).toEqual({ dryRun: 1, falsePositive: 1, merged: 1, cancelled: 1 });
    expect(r.overall.mttr).toEqual({ count: 1, open: 0, p50Minutes: 60, p90Minutes: 60, maxMinutes: 60 });
    expect(r.overall.mtta).toEqual({ count: 0, open: 1, p50Minutes: null, p90Minutes: null, maxMinutes: null });
  });

  it('an incident whose playbook has no containment step has no MTTC (neither measured nor open); MTTR prefers recovery to the resolution', () => {
    const s = incident('x', { recoveredAt: at(30), resolvedAt: at(90) }, { steps: {} });
    expect(measureIncident(s)).toEqual({ mttd: 0, mtta: 'open', mttc: 'n/a', mttr: 30 });
    expect(incidentKpis([s], window).overall.mttc).toEqual({ count: 0, open: 0, p50Minutes: null, p90Minutes: null, maxMinutes: null });
  });
});

describe('access KPIs (pure)', () => {
  const reviewer = (decisions: ReviewerState['decisions'], items: number, phase: ReviewerState['phase'] = 'closed'): ReviewerState => ({
    campaignId: 'q1',
    reviewer: 'rita',
    phase,
    openedAt: at(0),
    deadline: at(100),
    reminderTimes: [],
    items: Array.from({ length: items }, (_, i) => ({ id: `i${i}`, flagged: false })),
    decisions,
    remindersSent: 0,
    timeline: [],
  });
  const d = (itemId: string, minute: number, via: 'slack' | 'silence', decision: 'keep' | 'revoke' = 'keep') => ({
    itemId,
    decision,
    by: via === 'silence' ? 'policy:revoke' : 'rita',
    at: at(minute),
    via,
  });

  it('completion counts items a person decided by the deadline; a decision in the grace period or by silence does not', () => {
    const k = reviewCampaignKpi({ campaignId: 'q1', startedAt: at(0), deadline: at(100) }, [
      reviewer({ i0: d('i0', 10, 'slack'), i1: d('i1', 100, 'slack', 'revoke'), i2: d('i2', 130, 'slack'), i3: d('i3', 150, 'silence', 'revoke') }, 5),
      reviewer({ i0: d('i0', 150, 'silence', 'revoke'), i1: d('i1', 150, 'silence', 'keep') }, 3, 'grace'),
    ]);
    expect(k).toEqual({
      campaignId: 'q1',
      startedAt: at(0),
      deadline: at(100),
      items: 8,
      decidedByPersonByDeadline: 2,
      completionByDeadline: 2 / 8,
      revokedOnSilence: 2,
      revokedOnSilenceShare: 2 / 8,
      over: false,
    });
  });

  const item = (id: string, over: Partial<OffboardingItem>): OffboardingItem => ({
    id,
    provider: 'aws',
    stage: 'revoke',
    credential: id,
    action: 'aws.deleteAccessKey',
    params: {},
    status: 'done',
    outcome: 'changed',
    runs: 1,
    retries: [],
    ...over,
  });
  const offboarding = (personId: string, items: OffboardingItem[], over: Partial<OffboardingState> = {}): OffboardingState =>
    ({ personId, dryRun: false, times: { createdAt: at(0) }, items, ...over }) as OffboardingState;

  it('offboarding time runs from the request (or its later effective time) to the last revocation read back; an open item keeps it open', () => {
    const k = offboardingKpis(
      [
        offboarding('ann', [item('a', { finishedAt: at(5) }), item('b', { finishedAt: at(42), outcome: 'already' }), item('r', { stage: 'retention', finishedAt: at(9_000) })]),
        offboarding('bob', [item('a', { finishedAt: at(130) })], { times: { createdAt: at(0), effectiveAt: at(120) } }),
        offboarding('cy', [item('a', { finishedAt: at(5) }), item('b', { status: 'escalated' })]),
        offboarding('dry', [item('a', { finishedAt: at(5) })], { dryRun: true }),
        offboarding('gone', [item('a', { finishedAt: at(5) })], { cancel: { by: 'h', reason: 'r', at: at(1) } }),
        offboarding('none', [item('a', { status: 'waived' })]),
      ],
      { since: at(0), until: at(10) },
    );
    expect(k.offboardings.map((o) => [o.personId, o.minutes])).toEqual([
      ['ann', 42],
      ['bob', 10],
      ['cy', undefined],
    ]);
    expect(k.figures).toEqual({ count: 2, open: 1, p50Minutes: 10, p90Minutes: 42, maxMinutes: 42 });
    expect(k.excluded).toEqual({ dryRun: 1, cancelled: 1, nothingToRevoke: 1 });
  });
});

describe('kpi.targets in warden.yaml', () => {
  const configWith = (yaml: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'warden-kpi-config-')), 'warden.yaml');
    writeFileSync(path, yaml);
    return path;
  };

  it('defaults to MTTD 4 h and MTTR 24 h, and takes other hours', () => {
    expect(loadWardenConfig({ WARDEN_CONFIG: configWith('identities: []\n') }).file.kpi.targets).toEqual({ mttd_hours: 4, mttr_hours: 24 });
    expect(loadWardenConfig({ WARDEN_CONFIG: configWith('kpi:\n  targets: { mttr_hours: 8 }\n') }).file.kpi.targets).toEqual({ mttd_hours: 4, mttr_hours: 8 });
  });

  it('refuses a target that is not a positive number of hours, or an unknown key, naming the field', () => {
    for (const [yaml, field] of [
      ['kpi:\n  targets: { mttd_hours: 0 }\n', 'kpi.targets.mttd_hours'],
      ['kpi:\n  targets: { mttr_hours: "a day" }\n', 'kpi.targets.mttr_hours'],
      ['kpi:\n  targets: { mtta_hours: 1 }\n', 'mtta_hours'],
    ]) {
      let problems = '';
      try {
        loadWardenConfig({ WARDEN_CONFIG: configWith(yaml!) });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        problems = (err as ConfigError).problems.join('\n');
      }
      expect(problems).toContain(field);
    }
  });
});
