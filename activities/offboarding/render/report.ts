/**
 * The offboarding report, rendered from the workflow's state: JSON for machines, Markdown for
 * people. Pure and deterministic (the time comes in), so a retried write produces the same bytes.
 */
import type { OffboardingItem, OffboardingState } from '../../../contracts/offboarding.js';
import { effectiveText, isInventory, PROGRESS_COLUMNS, retentionText, verdictText } from '../../../contracts/offboarding-view.js';

export interface OffboardingReportRow {
  readonly item: string;
  readonly provider: OffboardingItem['provider'];
  readonly stage: OffboardingItem['stage'];
  readonly credential: string;
  readonly action: string;
  readonly result: string;
  readonly status: OffboardingItem['status'];
  readonly outcome?: OffboardingItem['outcome'];
  readonly before?: unknown;
  readonly after?: unknown;
  /** When the action finished (or was escalated). */
  readonly at?: string;
  readonly plan?: readonly string[];
  readonly error?: OffboardingItem['error'];
  readonly waiver?: OffboardingItem['waiver'];
  readonly retries?: OffboardingItem['retries'];
}

export interface OffboardingReport {
  readonly kind: 'warden.offboarding-report';
  readonly version: 1;
  readonly stage: 'revocation' | 'final' | 'current';
  readonly generatedAt: string;
  readonly personId: string;
  readonly person: { readonly name: string; readonly email: string; readonly manager?: string };
  readonly reason: string;
  readonly requestedBy: string;
  readonly dryRun: boolean;
  readonly phase: OffboardingState['phase'];
  readonly times: OffboardingState['times'];
  readonly providers: OffboardingState['providers'];
  readonly legalHold: OffboardingState['legalHold'];
  readonly retention: OffboardingState['retention'];
  readonly retentionDays: number;
  /** Every revocation and deletion, in the order they ran. */
  readonly credentials: readonly OffboardingReportRow[];
  /** The reads that planned them (IAM inventories). */
  readonly inventories: readonly OffboardingReportRow[];
  readonly cancel?: OffboardingState['cancel'];
  readonly timeline: OffboardingState['timeline'];
}

/** The result in words, the same as the CLI and the timeline's tally (contracts/offboarding-view.ts). */
export const resultOf = (i: OffboardingItem): string => verdictText(i);

function row(i: OffboardingItem): OffboardingReportRow {
  return {
    item: i.id,
    provider: i.provider,
    stage: i.stage,
    credential: i.credential,
    action: i.action,
    result: resultOf(i),
    status: i.status,
    ...(i.outcome ? { outcome: i.outcome } : {}),
    ...(i.before !== undefined ? { before: i.before } : {}),
    ...(i.after !== undefined ? { after: i.after } : {}),
    ...(i.finishedAt ? { at: i.finishedAt } : {}),
    ...(i.plan ? { plan: i.plan } : {}),
    ...(i.error ? { error: i.error } : {}),
    ...(i.waiver ? { waiver: i.waiver } : {}),
    ...(i.retries.length ? { retries: i.retries } : {}),
  };
}

export function buildOffboardingReport(state: OffboardingState, generatedAt: string, stage: OffboardingReport['stage']): OffboardingReport {
  return {
    kind: 'warden.offboarding-report',
    version: 1,
    stage,
    generatedAt,
    personId: state.personId,
    person: { name: state.person.name, email: state.person.email, ...(state.person.manager ? { manager: state.person.manager } : {}) },
    reason: state.reason,
    requestedBy: state.requestedBy,
    dryRun: state.dryRun,
    phase: state.phase,
    times: state.times,
    providers: state.providers,
    legalHold: state.legalHold,
    retention: state.retention,
    retentionDays: state.retentionDays,
    credentials: state.items.filter((i) => !isInventory(i)).map(row),
    inventories: state.items.filter(isInventory).map(row),
    ...(state.cancel ? { cancel: state.cancel } : {}),
    timeline: state.timeline,
  };
}

/** A table cell: one line, pipes escaped, long values cut. */
function cell(value: unknown, max = 300): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const table = (header: readonly string[], rows: readonly (readonly unknown[])[]): string[] => [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map((c) => cell(c)).join(' | ')} |`),
];

export function renderOffboardingMarkdown(r: OffboardingReport): string {
  const hold = r.legalHold.active ? `set (${r.legalHold.changes.at(-1)?.by}: ${r.legalHold.changes.at(-1)?.reason})` : r.legalHold.changes.length ? 'lifted' : 'none';
  const retention = retentionText(r);
  const out = [
    `# Offboarding of ${cell(r.person.name)} (${r.personId})`,
    '',
    ...table(
      ['', ''],
      [
        ['Mode', r.dryRun ? 'DRY RUN: nothing was changed; every line is a plan' : 'live'],
        ['Reason', r.reason],
        ['Requested by', r.requestedBy],
        ['Email', r.person.email],
        ['Manager', r.person.manager ?? '-'],
        ['Phase', r.phase],
        ['Effective', effectiveText(r) ?? r.times.createdAt],
        ['Revocation', `${r.times.revocationStartedAt ?? '-'} → ${r.times.revokedAt ?? '-'}`],
        ['Legal hold', hold],
        ['IAM user retention', retention],
        ['Report', `${r.stage}, generated ${r.generatedAt}`],
      ],
    ),
    '',
    '## Providers',
    '',
    ...table(
      ['Provider', 'Status', 'Items', ...PROGRESS_COLUMNS.map(([, title]) => title)],
      Object.entries(r.providers).map(([name, p]) => [name, p.status, p.total, ...PROGRESS_COLUMNS.map(([key]) => p[key])]),
    ),
    '',
    '## Credentials',
    '',
    ...table(
      ['Credential', 'Action', 'Before', 'After', 'At', 'Result'],
      r.credentials.map((c) => [c.credential, c.action, c.before, c.after, c.at ?? '-', c.result]),
    ),
  ];
  if (r.cancel) out.push('', `Cancelled by ${cell(r.cancel.by)} at ${r.cancel.at}: ${cell(r.cancel.reason)}`);
  if (r.legalHold.changes.length) {
    out.push(
      '',
      '## Legal hold',
      '',
      ...table(
        ['At', 'Hold', 'By', 'Reason'],
        r.legalHold.changes.map((c) => [c.at, c.hold ? 'set' : 'lifted', c.by, c.reason]),
      ),
    );
  }
  out.push('', '## Timeline', '', ...r.timeline.map((e) => `- ${e.at} ${cell(e.event, 1000)}${e.by ? ` (${cell(e.by)})` : ''}`), '');
  return out.join('\n');
}
