/**
 * report.html, the people's view of the evidence pack, and the summary the notifications carry.
 * Self-contained (inline style, no scripts, no remote content) and every value escaped, since
 * account names, resources and reasons come from providers and reviewers. Pure.
 */
import { FINDING_KINDS } from '../../../contracts/review-types.js';
import type { CampaignSummary, EvidenceRow, EvidenceTally } from './evidence-rows.js';
import { completionOf, ENFORCEMENT_STATUSES, grantsList, percent } from './evidence-rows.js';

/** Some of the rows of one kind: the first `limit` of `total`. */
export interface CappedRows {
  readonly rows: EvidenceRow[];
  total: number;
  readonly limit: number;
}

export const cappedRows = (limit: number): CappedRows => ({ rows: [], total: 0, limit });

export function addCapped(c: CappedRows, r: EvidenceRow): void {
  c.total += 1;
  if (c.rows.length < c.limit) c.rows.push(r);
}

export interface ReportInput {
  readonly campaign: CampaignSummary;
  readonly tally: EvidenceTally;
  /** Flagged, revoked or failed items: the table at the end. */
  readonly attention: CappedRows;
  readonly revokedOnSilence: CappedRows;
  readonly failures: CappedRows;
  /** The files holding every row, named where a table is cut. */
  readonly csvName: string;
  readonly jsonName: string;
}

export function escapeHtml(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Cells are escaped here; a cell that is already markup is passed as `{ html }`. */
type Cell = string | number | undefined | { readonly html: string };
const td = (c: Cell) => `<td>${typeof c === 'object' ? c.html : escapeHtml(c)}</td>`;
const lines = (values: readonly string[]) => ({ html: values.map(escapeHtml).join('<br>') });

function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`;
}

const STYLE =
  'body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}' +
  'th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}' +
  '.dry{background:#fff3cd;padding:.5em 1em;border:1px solid #e0c060}.note{color:#555}';

const approvalText = (c: CampaignSummary): string => {
  if (!c.approval) return 'not required';
  const d = c.approval.decision;
  if (!d) return `required from ${c.approval.group}; not decided`;
  return `${d.approved ? 'approved' : 'rejected'} by ${d.by} at ${d.at} (group ${c.approval.group})${d.reason ? `: ${d.reason}` : ''}`;
};

/** The campaign's facts and counts: the report's head, and the body of the notification email. */
export function renderSummaryHtml(c: CampaignSummary, t: EvidenceTally): string {
  const e = t.enforcement;
  const facts: Cell[][] = [
    ['Mode', c.dryRun ? 'dry run: nothing was changed; enforcement lines are plans' : 'live'],
    ['Requested by', c.requestedBy],
    ['Scope', c.scope.join(', ') || '-'],
    ['Started', c.startedAt],
    ['Deadline', c.deadline ?? '-'],
    ['Closed', c.closedAt ?? '-'],
    ['Unreviewed items at the deadline', c.onSilence ?? '-'],
    ['Approval of revocations', approvalText(c)],
    ['Completion rate', `${percent(completionOf(t))} (${t.decidedByPerson} of ${t.rows} decided by a person)`],
  ];
  const counts: Cell[][] = [
    ['Entitlements', t.rows],
    ['Flagged (at least one finding)', t.flagged],
    ['Kept by a reviewer', t.keptByPerson],
    ['Revoked by a reviewer', t.revokedByPerson],
    ['Kept on silence', t.keptOnSilence],
    ['Revoked on silence', t.revokedOnSilence],
    ['Kept as exceptions', t.exceptionsKept],
    ['No decision recorded', t.undecided],
    ...ENFORCEMENT_STATUSES.map((s): Cell[] => [`Enforcement: ${s}`, e[s]]),
  ];
  const findings = FINDING_KINDS.map((k): Cell[] => [k, t.findings[k]]);
  return [
    c.dryRun ? '<p class="dry"><strong>Dry run.</strong> Nothing was changed; every enforcement line is a plan.</p>' : '',
    table(['Campaign', c.id], facts),
    '<h2>Counts</h2>',
    table(['', 'Items'], counts),
    '<h2>Findings</h2>',
    table(['Finding', 'Items'], findings),
  ].join('\n');
}

const decisionCell = (r: EvidenceRow): Cell => {
  const d = r.decision;
  if (!d) return 'none recorded';
  return lines([`${d.decision} by ${d.by} via ${d.via}`, d.at, ...(d.reason ? [d.reason] : [])]);
};

const enforcementCell = (r: EvidenceRow): Cell => {
  const e = r.enforcement;
  if (!e) return '-';
  return lines([`${e.action}: ${e.status}`, e.at, ...e.plan, ...(e.error ? [`error: ${e.error}`] : [])]);
};

const itemCells = (r: EvidenceRow): Cell[] => [
  r.item.id,
  lines([r.item.subject, ...(r.item.personId ? [`person ${r.item.personId}`] : ['no person (orphaned)'])]),
  lines([`${r.item.resource} (${r.item.kind}, ${r.item.permission})`, ...grantsList(r.item)]),
];

/** The table of some rows: "None." when there are none, a note saying where the rest are when cut. */
function section(c: CappedRows, csvName: string, headers: readonly string[], cells: (r: EvidenceRow) => Cell[]): string {
  if (!c.total) return '<p>None.</p>';
  const cut = c.total > c.rows.length ? `<p class="note">Showing the first ${c.rows.length} of ${c.total}; the full list is in ${escapeHtml(csvName)}.</p>\n` : '';
  return `${cut}${table(headers, c.rows.map(cells))}`;
}

export function renderReportHtml(input: ReportInput): string {
  const { campaign: c, attention, revokedOnSilence, failures, csvName, jsonName } = input;
  const title = `Access review ${c.id}: evidence`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${renderSummaryHtml(c, input.tally)}
<h2>Revoked on silence (${revokedOnSilence.total})</h2>
${section(revokedOnSilence, csvName, ['Item', 'Subject', 'Resource', 'Findings', 'Decision', 'Enforcement'], (r) => [
  ...itemCells(r),
  lines(r.item.findings.map((f) => f.kind)),
  decisionCell(r),
  enforcementCell(r),
])}
<h2>Enforcement failures (${failures.total})</h2>
${section(failures, csvName, ['Item', 'Subject', 'Resource', 'Action', 'At', 'Error'], (r) => [...itemCells(r), r.enforcement?.action, r.enforcement?.at, r.enforcement?.error])}
<h2>Flagged, revoked or failed items (${attention.total})</h2>
${section(attention, csvName, ['Item', 'Subject', 'Resource', 'Findings', 'Reviewer', 'Exception', 'Decision', 'Enforcement'], (r) => [
  ...itemCells(r),
  lines(r.item.findings.map((f) => `${f.kind}: ${f.detail}`)),
  `${r.item.reviewer} (${r.item.reviewerBasis})`,
  r.item.exception,
  decisionCell(r),
  enforcementCell(r),
])}
<p class="note">Every entitlement, with every column, is in ${escapeHtml(csvName)} and ${escapeHtml(jsonName)}.</p>
</body>
</html>
`;
}
