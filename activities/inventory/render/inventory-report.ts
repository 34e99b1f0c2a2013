/**
 * The inventory report (issue #19, point 7): inventory.csv, inventory.json and inventory.html, of
 * one scan or of "no inventory scan", which is said in each file rather than left out. Every
 * value comes from peers (names, tags, reasons), so the CSV is guarded against formulas and the
 * HTML escapes everything and carries no script. Pure and deterministic: the same scan gives the
 * same bytes (the evidence store is write-once).
 */
import type { InventoryRow, InventoryScanRef } from '../../../contracts/inventory-view.js';
import { csvField } from '../../reviews/render/evidence-csv.js';
import { escapeHtml } from '../../reviews/render/evidence-html.js';

/** A scan's rows, or why there are none. */
export type InventoryReport = { readonly scan: InventoryScanRef; readonly rows: readonly InventoryRow[] } | { readonly noScan: string };

export const INVENTORY_REPORT_FILES = {
  csv: { name: 'inventory.csv', contentType: 'text/csv; charset=utf-8' },
  json: { name: 'inventory.json', contentType: 'application/json; charset=utf-8' },
  html: { name: 'inventory.html', contentType: 'text/html; charset=utf-8' },
} as const;

export const NO_INVENTORY_SCAN = 'no inventory scan';

const accessList = (r: InventoryRow): string[] => r.access.map((a) => `${a.principal} (${a.principalKind}): ${a.level} via ${a.grant}${a.lastUsed ? `, last used ${a.lastUsed}` : ''}`);
const reasonList = (r: InventoryRow): string[] => r.reasons.map((x) => `${x.risk} ${x.rule}: ${x.reason}${x.principal ? ` [${x.principal}]` : ''}`);
const exposureText = (r: InventoryRow): string => (r.exposure ? `${r.exposure.level} (${r.exposure.evidence})` : 'not probed');

type Column = readonly [header: string, value: (r: InventoryRow) => string | undefined];
const COLUMNS: readonly Column[] = [
  ['asset_id', (r) => r.id],
  ['kind', (r) => r.kind],
  ['source', (r) => r.source],
  ['name', (r) => r.name],
  ['location', (r) => r.location],
  ['owner', (r) => r.owner],
  ['asset_class', (r) => r.assetClass],
  ['exposure', (r) => exposureText(r)],
  ['principals', (r) => String(r.principals)],
  ['access', (r) => accessList(r).join('\n')],
  ['risk', (r) => r.risk],
  ['reasons', (r) => reasonList(r).join('\n')],
];

const csvRow = (fields: readonly (string | undefined)[]): string => `${fields.map(csvField).join(',')}\r\n`;

export function renderInventoryCsv(report: InventoryReport): string {
  if ('noScan' in report) return csvRow(['state', 'detail']) + csvRow([NO_INVENTORY_SCAN, report.noScan]);
  return csvRow(COLUMNS.map(([h]) => h)) + report.rows.map((r) => csvRow(COLUMNS.map(([, v]) => v(r)))).join('');
}

export function renderInventoryJson(report: InventoryReport): string {
  const body =
    'noScan' in report
      ? { kind: 'warden.inventory-report', version: 1, state: NO_INVENTORY_SCAN, detail: report.noScan }
      : { kind: 'warden.inventory-report', version: 1, state: 'scanned', scan: report.scan, assets: report.rows };
  return `${JSON.stringify(body, null, 2)}\n`;
}

const STYLE =
  'body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}' +
  'th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}.note{color:#555}';

const lines = (values: readonly string[]): string => values.map(escapeHtml).join('<br>');

function body(report: InventoryReport): string {
  if ('noScan' in report) return `<p><strong>${escapeHtml(NO_INVENTORY_SCAN)}</strong>: ${escapeHtml(report.noScan)}</p>`;
  const s = report.scan;
  const sources = s.sources.map((o) => `${o.source}: ${o.status} (${o.assets} assets)${o.detail ? `, ${o.detail}` : ''}`);
  const head = ['Asset', 'Kind', 'Owner', 'Exposure', 'Principals', 'Access', 'Risk', 'Reasons'].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = report.rows.map(
    (r) =>
      `<tr><td>${escapeHtml(r.name)}<br><span class="note">${escapeHtml(r.location)}</span></td><td>${escapeHtml(`${r.kind} (${r.source})`)}</td>` +
      `<td>${escapeHtml(r.owner ?? '-')}</td><td>${escapeHtml(exposureText(r))}</td><td>${r.principals}</td><td>${lines(accessList(r))}</td>` +
      `<td>${escapeHtml(r.risk)}</td><td>${lines(reasonList(r))}</td></tr>`,
  );
  return `<p>Scan of ${escapeHtml(s.scannedAt)} (workflow ${escapeHtml(s.workflowId)}, completed ${escapeHtml(s.closedAt)}); rules sha256 ${escapeHtml(s.rulesDigest)}.</p>
<p>Sources: ${lines(sources)}</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

export function renderInventoryHtml(report: InventoryReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>AI inventory</title>
<style>${STYLE}</style>
</head>
<body>
<h1>AI inventory</h1>
${body(report)}
</body>
</html>
`;
}
