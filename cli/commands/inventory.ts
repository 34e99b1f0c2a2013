/**
 * `warden inventory [list] [--kind K] [--risk R] [--source S] [--json]` and
 * `warden inventory show <assetId> [--json]`: the latest scan's AI inventory, through
 * GET /v1/inventory. Before any scan the server answers 404 "no inventory scan has completed yet",
 * which the CLI prints as it is (exit 1): never an empty list that looks like a clean estate.
 */
import type { InventoryRow, InventoryView } from '../../contracts/inventory-view.js';
import { ApiClient, callApi, CliError } from '../api-client.js';
import { table } from './format.js';
import { act, JSON_FLAG, type Command } from './program.js';

type Scanned = Extract<InventoryView, { state: 'scanned' }>;

export interface InventoryListOptions {
  readonly kind?: string;
  readonly risk?: string;
  readonly source?: string;
  readonly json?: boolean;
}

async function fetchInventory(filters: Omit<InventoryListOptions, 'json'> = {}): Promise<{ text: string; view: Scanned }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === 'string' && v !== '') q.set(k, v);
  const text = await callApi(ApiClient.fromEnv().options, 'GET', `/v1/inventory${q.size ? `?${q.toString()}` : ''}`);
  return { text, view: JSON.parse(text) as Scanned };
}

const scanLine = (v: Scanned): string =>
  `scan of ${v.scan.scannedAt} (${v.scan.workflowId}); sources: ${v.scan.sources.map((s) => `${s.source} ${s.status}${s.status === 'scanned' ? ` (${s.assets})` : ''}`).join(', ')}`;

/** The list as `warden inventory` prints it: one row per asset, riskiest first, with its top reason. */
export function renderInventoryList(v: Scanned): string {
  const rows = v.assets.map((r) => [r.id, r.owner ?? '-', String(r.principals), r.risk, r.exposure?.level ?? '-', r.topReason ?? '-']);
  const shown = v.count === v.total ? `${v.total} asset(s)` : `${v.count} of ${v.total} asset(s) match`;
  return `${scanLine(v)}\n${shown}\n${rows.length ? table(['ASSET', 'OWNER', 'PRINCIPALS', 'RISK', 'EXPOSURE', 'TOP REASON'], rows) : ''}`;
}

/** One asset in full: where it is, who can touch it and how, its rating and every reason. */
export function renderInventoryAsset(r: InventoryRow): string {
  const out = [
    `${r.id}  (${r.kind} from ${r.source})`,
    `  name:      ${r.name}`,
    `  location:  ${r.location}`,
    `  owner:     ${r.owner ?? '- (none said)'}`,
    `  class:     ${r.assetClass ?? '-'}`,
    `  exposure:  ${r.exposure ? `${r.exposure.level}: ${r.exposure.evidence}` : 'not probed'}`,
    `  risk:      ${r.risk}`,
    `  reasons:`,
    ...(r.reasons.length ? r.reasons.map((x) => `    - ${x.risk} ${x.rule}: ${x.reason}${x.principal ? ` [principal ${x.principal}]` : ''}`) : ['    (none)']),
    `  principals (${r.principals}):`,
    ...(r.access.length
      ? r.access.map((a) => `    - ${a.principal} (${a.principalKind}${a.personId ? `, person ${a.personId}` : ''}): ${a.level} via ${a.grant}${a.lastUsed ? `, last used ${a.lastUsed}` : ''}`)
      : ['    (none found)']),
  ];
  const facts = Object.entries(r.facts);
  if (facts.length) out.push(`  facts:     ${facts.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  const tags = Object.entries(r.tags);
  if (tags.length) out.push(`  tags:      ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

export async function inventoryListCommand(o: InventoryListOptions): Promise<number> {
  const { text, view } = await fetchInventory({ kind: o.kind, risk: o.risk, source: o.source });
  process.stdout.write(o.json ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : renderInventoryList(view));
  return 0;
}

export async function inventoryShowCommand(assetId: string, o: { json?: boolean }): Promise<number> {
  const { view } = await fetchInventory();
  const row = view.assets.find((a) => a.id === assetId);
  if (!row) throw new CliError(`no asset ${assetId} in the scan of ${view.scan.scannedAt}; \`warden inventory\` lists the ${view.total} there are`);
  process.stdout.write(o.json ? `${JSON.stringify({ scan: view.scan, asset: row }, null, 2)}\n` : `${scanLine(view)}\n${renderInventoryAsset(row)}`);
  return 0;
}

/** `inventory list` (the default) and `inventory show`, under the `inventory` group. */
export function registerInventoryViews(inventory: Command): void {
  inventory
    .command('list', { isDefault: true })
    .description("the latest scan's assets with owner, principals, risk and top reason (the default)")
    .option('--kind <kind>', 'model, dataset, endpoint, repository or key')
    .option('--risk <level>', 'at this level or above: low, medium, high, critical')
    .option('--source <source>', 'mlflow, s3, sagemaker, http, github or aws-iam')
    .option(...JSON_FLAG)
    .action(act((opts: InventoryListOptions) => inventoryListCommand(opts)));
  inventory
    .command('show')
    .description('one asset: where it is, who can touch it and how, its rating and every reason')
    .argument('<assetId>', 'the asset id, e.g. model:mlflow:fraud-detector')
    .option(...JSON_FLAG)
    .action(act((assetId: string, opts: { json?: boolean }) => inventoryShowCommand(assetId, opts)));
}
