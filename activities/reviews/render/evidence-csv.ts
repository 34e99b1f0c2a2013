/**
 * evidence.csv: one line per entitlement, RFC 4180 (CRLF line ends, a header row, fields quoted
 * when they hold a quote, comma, CR or LF). Pure.
 */
import type { EvidenceRow } from './evidence-rows.js';
import { grantsList } from './evidence-rows.js';

type Column = readonly [header: string, value: (r: EvidenceRow) => string | undefined];

/** The columns, in order. Lists inside a cell: `; ` between short values, a line break between sentences. */
export const CSV_COLUMNS: readonly Column[] = [
  ['item_id', (r) => r.item.id],
  ['system', (r) => r.item.system],
  ['account', (r) => r.item.account],
  ['subject', (r) => r.item.subject],
  ['person', (r) => r.item.personId],
  ['kind', (r) => r.item.kind],
  ['resource', (r) => r.item.resource],
  ['permission', (r) => r.item.permission],
  ['granted_via', (r) => r.item.grantedVia],
  ['last_used', (r) => r.item.lastUsed],
  ['created_at', (r) => r.item.createdAt],
  ['grants', (r) => grantsList(r.item).join('; ')],
  ['findings', (r) => r.item.findings.map((f) => f.kind).join('; ')],
  ['finding_details', (r) => r.item.findings.map((f) => `${f.kind}: ${f.detail}`).join('\n')],
  ['reviewer', (r) => r.item.reviewer],
  ['reviewer_basis', (r) => r.item.reviewerBasis],
  ['exception', (r) => r.item.exception],
  ['decision', (r) => r.decision?.decision],
  ['decided_by', (r) => r.decision?.by],
  ['decided_at', (r) => r.decision?.at],
  ['decided_via', (r) => r.decision?.via],
  ['reason', (r) => r.decision?.reason],
  ['enforcement_action', (r) => r.enforcement?.action],
  ['enforcement_status', (r) => r.enforcement?.status],
  ['enforcement_plan', (r) => r.enforcement?.plan.join('\n')],
  ['enforcement_error', (r) => r.enforcement?.error],
  ['enforced_at', (r) => r.enforcement?.at],
];

export const CSV_HEADERS: readonly string[] = CSV_COLUMNS.map(([header]) => header);

/**
 * Formula injection guard: spreadsheets run a cell starting with = + - @ (and, in some, a tab
 * or CR before them) as a formula, so an account name like `=HYPERLINK(…)` would execute when an
 * auditor opens the file. Such cells get a leading single quote, which shows the text as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: guarded against formulas, then quoted (quotes doubled) when RFC 4180 requires it. */
export function csvField(value: string | undefined): string {
  const text = value ?? '';
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (fields: readonly (string | undefined)[]): string => `${fields.map(csvField).join(',')}\r\n`;

export const csvHeaderLine = (): string => line(CSV_HEADERS);

export const csvLine = (r: EvidenceRow): string => line(CSV_COLUMNS.map(([, value]) => value(r)));
