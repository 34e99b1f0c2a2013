import { Context } from '@temporalio/activity';
import type { ActionDeps } from '../../catalog/types.js';
import type { ReviewSettings } from '../../contracts/review-types.js';
import type { CampaignEvidence, CampaignState } from '../../contracts/reviews.js';
import type { ReviewStore } from '../ports/review-store.js';
import { csvHeaderLine, csvLine } from './render/evidence-csv.js';
import { addCapped, cappedRows, renderReportHtml } from './render/evidence-html.js';
import type { ReportInput } from './render/evidence-html.js';
import { notifyCompliance } from './evidence-notify.js';
import type { StoredFile } from './evidence-notify.js';
import { addToTally, campaignSummary, completionOf, emptyTally, enforcementFailed, isFlagged, isRevoked, isRevokedOnSilence, joinReviewer, jsonRow } from './render/evidence-rows.js';
import { safeSegment } from '../../contracts/reviews.js';
import { failure, FailureKind } from '../../contracts/failures.js';
import { loadLatestInventory, type ScanLister } from '../../contracts/inventory-latest.js';
import { inventoryRows, NO_SCAN_DETAIL } from '../../contracts/inventory-view.js';
import type { EvidenceStore } from '../ports/evidence.js';
import { INVENTORY_REPORT_FILES, renderInventoryCsv, renderInventoryHtml, renderInventoryJson, type InventoryReport } from '../inventory/render/inventory-report.js';

export const EVIDENCE_FILES = {
  csv: { name: 'evidence.csv', contentType: 'text/csv; charset=utf-8' },
  json: { name: 'evidence.json', contentType: 'application/json; charset=utf-8' },
  html: { name: 'report.html', contentType: 'text/html; charset=utf-8' },
} as const;

/** Reviewers read from the store per page. */
const REVIEWER_PAGE = 200;
/** Rows of the report's item table; the CSV and JSON always hold them all. */
export const HTML_TABLE_LIMIT = 5_000;
/** Rows of the report's revoked-on-silence and failure lists. */
export const HTML_SECTION_LIMIT = 1_000;

/** `reviews/<campaign>/<file>`: one safe path segment for the campaign (schedule run ids carry ":"). */
export function evidenceKey(campaignId: string, name: string): string {
  const segment = safeSegment(campaignId);
  return `reviews/${/^\.*$/.test(segment) ? segment.replace(/\./g, '_') || '_' : segment}/${name}`;
}

/**
 * Text built from many small strings without one giant string: V8 caps a string near 512 MiB,
 * which a million-row JSON passes. Strings are gathered into ~1 MiB pieces, each turned into a
 * Buffer, and the pieces are concatenated once at the end.
 */
class ChunkedText {
  private pending: string[] = [];
  private pendingLength = 0;
  private pieces: Buffer[] = [];

  push(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length) this.pieces.push(Buffer.from(this.pending.join(''), 'utf8'));
    this.pending = [];
    this.pendingLength = 0;
  }

  /** The whole text, between `head` and `tail`; the pieces are released. */
  toBuffer(head = '', tail = ''): Buffer {
    this.flush();
    const out = Buffer.concat([Buffer.from(head, 'utf8'), ...this.pieces, Buffer.from(tail, 'utf8')]);
    this.pieces = [];
    return out;
  }
}

/** The activity context when running as an activity (a direct call in a test has none). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

interface BuiltPack {
  readonly csv: Buffer;
  readonly json: Buffer;
  readonly html: string;
  readonly report: ReportInput;
}

/** Reads every reviewer's items, decisions and enforcement, page by page, into the three files. */
async function buildPack(store: ReviewStore, campaignId: string, state: CampaignState): Promise<BuiltPack> {
  const csv = new ChunkedText();
  const json = new ChunkedText();
  csv.push(csvHeaderLine());
  const tally = emptyTally();
  const attention = cappedRows(HTML_TABLE_LIMIT);
  const revokedOnSilence = cappedRows(HTML_SECTION_LIMIT);
  const failures = cappedRows(HTML_SECTION_LIMIT);

  for (let offset = 0; ; offset += REVIEWER_PAGE) {
    const reviewers = await store.listReviewers(campaignId, { offset, limit: REVIEWER_PAGE });
    for (const reviewer of reviewers) {
      const [items, decisions, enforcement] = await Promise.all([
        store.readReviewerItems(campaignId, reviewer),
        store.readDecisions(campaignId, reviewer),
        store.readEnforcement(campaignId, reviewer),
      ]);
      for (const row of joinReviewer(items, decisions, enforcement)) {
        csv.push(csvLine(row));
        json.push(tally.rows === 0 ? jsonRow(row) : `,\n${jsonRow(row)}`);
        addToTally(tally, row);
        if (isFlagged(row) || isRevoked(row) || enforcementFailed(row)) addCapped(attention, row);
        if (isRevokedOnSilence(row)) addCapped(revokedOnSilence, row);
        if (enforcementFailed(row)) addCapped(failures, row);
      }
    }
    // Lets the lead set a heartbeat timeout on this long activity; progress is not resumed from.
    activityContext()?.heartbeat({ reviewers: offset + reviewers.length, rows: tally.rows });
    if (reviewers.length < REVIEWER_PAGE) break;
  }

  const campaign = campaignSummary(state);
  const totals = { ...tally, completionRate: completionOf(tally) ?? null };
  const head = `{"kind":"warden.review-evidence","version":1,"campaign":${JSON.stringify(campaign)},"totals":${JSON.stringify(totals)},"rows":[\n`;
  const report: ReportInput = { campaign, tally, attention, revokedOnSilence, failures, csvName: EVIDENCE_FILES.csv.name, jsonName: EVIDENCE_FILES.json.name };
  return { csv: csv.toBuffer(), json: json.toBuffer(head, '\n]}\n'), html: renderReportHtml(report), report };
}

/**
 * The AI inventory as of the campaign's close (so a rerun finds the same scan and writes the same
 * bytes): the newest scan completed by then on this worker's task queue, or "no inventory scan".
 * Undefined only where nothing can be looked up: a direct call with no activity context or no
 * client (unit tests); a worker always has both.
 */
async function inventoryAsOf(evidence: EvidenceStore, asOf: string): Promise<InventoryReport | undefined> {
  const ctx = activityContext();
  let client: ScanLister | undefined;
  try {
    client = ctx?.client;
  } catch {
    return undefined; // a MockActivityEnvironment built without a client
  }
  if (!ctx || !client) return undefined;
  const latest = await loadLatestInventory(client, ctx.info.taskQueue, evidence, asOf);
  return latest ? { scan: latest.scan, rows: inventoryRows(latest.snapshot) } : { noScan: NO_SCAN_DETAIL };
}

const inventoryBodies = (report: InventoryReport | undefined) =>
  report
    ? [
        { ...INVENTORY_REPORT_FILES.csv, body: Buffer.from(renderInventoryCsv(report), 'utf8') },
        { ...INVENTORY_REPORT_FILES.json, body: Buffer.from(renderInventoryJson(report), 'utf8') },
        { ...INVENTORY_REPORT_FILES.html, body: Buffer.from(renderInventoryHtml(report), 'utf8') },
      ]
    : [];

export interface ReviewEvidenceInput {
  readonly campaignId: string;
  /** The campaign's state when it closed: every time in the pack comes from here, never the clock. */
  readonly state: CampaignState;
}

/** The evidence pack activity of access reviews, on the review store, the evidence store, mail and chat. */
export function createReviewEvidenceActivities(r: { deps: ActionDeps; store: ReviewStore; settings: Pick<ReviewSettings, 'compliance'> }) {
  return {
    /**
     * Writes the campaign's evidence pack: `evidence.csv` and `evidence.json` (every entitlement
     * with its findings, reviewer, decision and enforcement) and `report.html` (summary, revoked
     * on silence, failures, flagged items), under `reviews/<campaign>/` in the evidence store,
     * with the AI inventory as of the close (`inventory.csv|json|html`, or "no inventory scan").
     * Then emails it to the compliance recipients (attached while under 10 MiB, else the URIs)
     * and posts a one-line summary to the compliance Slack channel; unconfigured ones are
     * skipped and logged.
     *
     * Idempotent: the files are byte-for-byte the same on a rerun (rows sorted, times from the
     * state), so the write-once store reports them as already there; mail and Slack skip the key
     * `review:<campaign>:evidence` once sent. Heartbeats once per page of 200 reviewers.
     * Failures: no evidence store is a non-retryable `EvidenceNotConfigured`; store, SMTP and
     * Slack failures keep their own retry classification.
     */
    async reviewEvidencePack(input: ReviewEvidenceInput): Promise<CampaignEvidence[]> {
      const evidence = r.deps.evidence;
      if (!evidence) throw failure(FailureKind.EvidenceNotConfigured, 'the evidence store is not configured: set WARDEN_EVIDENCE_DIR');
      if (input.state.campaignId !== input.campaignId) {
        throw failure(FailureKind.CampaignMismatch, `the state given is campaign ${input.state.campaignId}, not ${input.campaignId}`);
      }
      const pack = await buildPack(r.store, input.campaignId, input.state);
      const bodies = [
        { ...EVIDENCE_FILES.csv, body: pack.csv },
        { ...EVIDENCE_FILES.json, body: pack.json },
        { ...EVIDENCE_FILES.html, body: Buffer.from(pack.html, 'utf8') },
        ...inventoryBodies(await inventoryAsOf(evidence, input.state.closedAt ?? input.state.startedAt)),
      ];
      const files: StoredFile[] = [];
      for (const f of bodies) {
        const stored = await evidence.put(evidenceKey(input.campaignId, f.name), f.body, f.contentType);
        files.push({ name: f.name, uri: stored.uri, sha256: stored.sha256, contentType: f.contentType, body: f.body });
      }
      const log = activityContext()?.log;
      await notifyCompliance(r.deps, r.settings, { campaignId: input.campaignId, campaign: pack.report.campaign, tally: pack.report.tally, files }, (message) => {
        log?.warn(message);
      });
      return files.map(({ name, uri, sha256 }) => ({ name, uri, sha256 }));
    },
  };
}

export type ReviewEvidenceActivities = ReturnType<typeof createReviewEvidenceActivities>;
