/**
 * The inventory report (CSV, JSON, HTML) and its place in the access-review evidence pack: peer
 * text is escaped in the HTML and defused in the CSV; the pack holds the inventory as of the
 * campaign's close, or says "no inventory scan" when none had completed by then.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { renderInventoryCsv, renderInventoryHtml, renderInventoryJson } from '../../activities/inventory/render/inventory-report.js';
import { createReviewEvidenceActivities, type ReviewEvidenceInput } from '../../activities/reviews/evidence-pack.js';
import type { InventorySnapshot } from '../../contracts/inventory.js';
import { inventoryRows } from '../../contracts/inventory-view.js';
import type { CampaignEvidence, CampaignState } from '../../contracts/reviews.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { completeScan, fixtureSnapshot } from '../helpers/inventory.js';

const SCAN = { workflowId: 'inventory-scan-1', closedAt: '2026-12-05T06:01:00.000Z', scannedAt: '2026-12-05T06:00:00.000Z', snapshotKey: 'inventory/scans/x.json', rulesDigest: 'abc', sources: [] };

/** A snapshot whose peer-given text tries markup, script and a spreadsheet formula. */
function hostile(): InventorySnapshot {
  const base = fixtureSnapshot('2026-12-05T06:00:00.000Z');
  const [model, ...rest] = base.assets;
  return {
    ...base,
    assets: [{ ...model!, name: '<script>alert(1)</script>', owner: '=HYPERLINK("http://evil")', tags: { note: '"quoted", & <b>bold</b>' } }, ...rest],
    ratings: base.ratings.map((r) => (r.assetId === model!.id ? { ...r, reasons: [{ rule: 'breadth', risk: 'medium', reason: '<img src=x onerror=alert(2)>' }] } : r)),
  };
}

describe('the inventory report', () => {
  it('escapes every peer value in the HTML and carries no script; defuses formulas in the CSV; JSON keeps the values', () => {
    const report = { scan: SCAN, rows: inventoryRows(hostile()) };
    const html = renderInventoryHtml(report);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain("default-src 'none'");
    const csv = renderInventoryCsv(report);
    expect(csv.split('\r\n')[0]).toBe('asset_id,kind,source,name,location,owner,asset_class,exposure,principals,access,risk,reasons');
    expect(csv).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
    const json = JSON.parse(renderInventoryJson(report)) as { state: string; assets: { name: string; owner: string }[] };
    expect(json.state).toBe('scanned');
    expect(json.assets.some((a) => a.name === '<script>alert(1)</script>' && a.owner === '=HYPERLINK("http://evil")')).toBe(true);
  });

  it('says "no inventory scan" in each format rather than being left out', () => {
    const none = { noScan: 'no inventory scan has completed yet' };
    expect(renderInventoryCsv(none)).toBe('state,detail\r\nno inventory scan,no inventory scan has completed yet\r\n');
    expect(JSON.parse(renderInventoryJson(none))).toMatchObject({ state: 'no inventory scan' });
    expect(renderInventoryHtml(none)).toContain('<strong>no inventory scan</strong>');
  });
});

describe('the inventory in the access-review evidence pack', () => {
  let client: Client;
  const dir = mkdtempSync(join(tmpdir(), 'warden-inventory-pack-'));
  const evidence = createLocalEvidenceStore(join(dir, 'evidence'));
  const store = createLocalReviewStore(join(dir, 'reviews'));
  const taskQueue = uniqueTaskQueue('inv-pack');
  beforeAll(async () => {
    client = await suiteClient();
  });
  afterAll(async () => {
    await client.connection.close();
  });

  const state = (campaignId: string, closedAt: string): CampaignState =>
    ({
      campaignId,
      firstRunId: 'run-1',
      phase: 'reporting',
      dryRun: true,
      requestedBy: 'test',
      scope: ['aws'],
      startedAt: '2026-01-01T00:00:00Z',
      closedAt,
      counts: {},
      sources: {},
      shards: { total: 0, done: 0 },
      evidence: [],
      timeline: [],
    }) as unknown as CampaignState;
  const pack = async (campaignId: string, closedAt: string): Promise<CampaignEvidence[]> => {
    await store.openCampaign(campaignId, { scope: ['aws'] });
    const env = new MockActivityEnvironment({ taskQueue }, { client });
    const act = createReviewEvidenceActivities({ deps: { evidence }, store, settings: { compliance: { email: [] } } });
    const run = (input: ReviewEvidenceInput) => act.reviewEvidencePack(input);
    return env.run<[ReviewEvidenceInput], CampaignEvidence[], typeof run>(run, { campaignId, state: state(campaignId, closedAt) });
  };
  const read = (files: CampaignEvidence[], name: string): string => readFileSync(fileURLToPath(files.find((f) => f.name === name)!.uri), 'utf8');

  it('holds the latest scan as of the close, the same bytes on a rerun; a campaign closed before any scan says "no inventory scan"', async () => {
    const before = await pack('inv-pack-before', '2020-01-01T00:00:00Z');
    expect(before.map((f) => f.name)).toEqual(['evidence.csv', 'evidence.json', 'report.html', 'inventory.csv', 'inventory.json', 'inventory.html']);
    expect(JSON.parse(read(before, 'inventory.json'))).toMatchObject({ state: 'no inventory scan' });

    const snapshot = fixtureSnapshot('2026-12-06T06:00:00.000Z');
    await completeScan(client, taskQueue, evidence, snapshot);
    const after = await pack('inv-pack-after', '2099-01-01T00:00:00Z');
    const json = JSON.parse(read(after, 'inventory.json')) as { state: string; scan: { scannedAt: string }; assets: { id: string; owner?: string; risk: string; reasons: unknown[] }[] };
    expect(json.state).toBe('scanned');
    expect(json.scan.scannedAt).toBe(snapshot.scannedAt);
    expect(json.assets.find((a) => a.id === 'dataset:s3:training-cards')).toMatchObject({ owner: 'data-eng', risk: 'high' });
    expect(read(after, 'inventory.csv')).toContain('dataset:s3:training-cards');
    expect(read(after, 'inventory.html')).toContain('training-cards');
    // The campaign closed before the scan still says so on a rerun: the pack is write-once.
    expect(await pack('inv-pack-before', '2020-01-01T00:00:00Z')).toEqual(before);
    expect(await pack('inv-pack-after', '2099-01-01T00:00:00Z')).toEqual(after);
  });
});
