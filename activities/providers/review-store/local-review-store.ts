import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../../contracts/review-types.js';
import type { ReviewStore } from '../../ports/review-store.js';
import { safeSegment } from '../../../contracts/reviews.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes to a temporary file, fsyncs and renames: readers see the old record or the new one, whole. */
async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** The entries of a directory, sorted; undefined when the directory does not exist. */
async function listDirIfPresent(path: string): Promise<string[] | undefined> {
  try {
    return (await readdir(path)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const missing = (what: string, path: string) =>
  failure(
    FailureKind.ReviewDataMissing,
    `${what} is missing from the review store: ${path} does not exist. ` + 'It was written to another store (each worker on its own state dir?) or removed; every worker must share one review store.',
  );

/** `<system>-<n>` with n > 0: the id of the batch before it, which must be in the same store. */
export function previousBatch(batchId: string): string | undefined {
  const m = /^(.+)-(\d{6})$/.exec(batchId);
  const n = m ? Number(m[2]) : 0;
  return m && n > 0 ? `${m[1]}-${String(n - 1).padStart(6, '0')}` : undefined;
}

/** A batch's items by reviewer, in the batch's order. */
export function groupByReviewer(items: readonly ReviewItem[]): Map<string, ReviewItem[]> {
  const byReviewer = new Map<string, ReviewItem[]>();
  for (const item of items) {
    const list = byReviewer.get(item.reviewer) ?? [];
    list.push(item);
    byReviewer.set(item.reviewer, list);
  }
  return byReviewer;
}

/**
 * The review store on the local file system (the embedded default; a shared volume when several
 * workers run). Layout under `rootDir/<campaign>/`:
 *   campaign.json                           the manifest, written when the campaign opens
 *   batches/<batch>.json                    the reviewers a batch touched, and its size
 *   reviewers/<reviewer>/items-<batch>.json the reviewer's items from that batch
 *   reviewers/<reviewer>/decisions.json     recorded when the reviewer's workflow closes
 *   reviewers/<reviewer>/enforcement.json   what enforcement did with the revoked items
 * Items are kept once, under their reviewer, because reviewers read them far more often than
 * batches are read back (only by the evidence pack).
 *
 * A campaign without a manifest but with a batches directory was written before manifests
 * existed, and is read as before; one with neither is not in this store, and every read or
 * write of it fails with `ReviewDataMissing`.
 */
export function createLocalReviewStore(rootDir: string): ReviewStore {
  const root = resolve(rootDir);
  const campaignDir = (c: string) => join(root, safeSegment(c));
  const reviewerDir = (c: string, r: string) => join(campaignDir(c), 'reviewers', safeSegment(r));
  const batchFile = (c: string, b: string) => join(campaignDir(c), 'batches', `${safeSegment(b)}.json`);

  const manifestFile = (c: string) => join(campaignDir(c), 'campaign.json');

  /** Fails unless the campaign was opened in this store (or written before manifests). Returns whether it has a manifest. */
  const opened = new Set<string>(); // manifests seen: a manifest is never removed
  const requireCampaign = async (c: string): Promise<boolean> => {
    if (opened.has(c)) return true;
    if (await readJson(manifestFile(c))) {
      opened.add(c);
      return true;
    }
    if (await listDirIfPresent(join(campaignDir(c), 'batches'))) return false;
    throw missing(`campaign ${c}`, manifestFile(c));
  };
  /** A directory the campaign must have: missing fails, unless a campaign from before manifests may lack it. */
  const listRequired = async (c: string, what: string, path: string, hasManifest: boolean): Promise<string[]> => {
    const entries = await listDirIfPresent(path);
    if (entries) return entries;
    if (!hasManifest) return [];
    throw missing(what, path);
  };
  const requireReviewer = async (c: string, r: string): Promise<string> => {
    await requireCampaign(c);
    const dir = reviewerDir(c, r);
    if (!(await listDirIfPresent(dir))) throw missing(`reviewer ${r} of campaign ${c}`, dir);
    return dir;
  };
  const reviewers = async (c: string) => listRequired(c, `the reviewers of campaign ${c}`, join(campaignDir(c), 'reviewers'), await requireCampaign(c));

  const store: ReviewStore = {
    async openCampaign(campaignId, manifest) {
      await mkdir(join(campaignDir(campaignId), 'batches'), { recursive: true, mode: 0o700 });
      await mkdir(join(campaignDir(campaignId), 'reviewers'), { recursive: true, mode: 0o700 });
      // The manifest last: a campaign with one has both directories.
      if (!(await readJson(manifestFile(campaignId)))) await writeJson(manifestFile(campaignId), { campaignId, scope: [...manifest.scope] });
    },

    async putBatch(campaignId, batchId, items) {
      await requireCampaign(campaignId);
      const before = previousBatch(batchId);
      if (before && !(await readJson(batchFile(campaignId, before)))) throw missing(`batch ${before} of campaign ${campaignId}, which batch ${batchId} follows,`, batchFile(campaignId, before));
      const byReviewer = groupByReviewer(items);
      const batches = join(campaignDir(campaignId), 'batches');
      await mkdir(batches, { recursive: true, mode: 0o700 });
      // A rerun may assign differently (the provider changed in between): the intent names every
      // reviewer any attempt wrote this batch to, so the items of an earlier attempt never linger.
      const intentFile = join(batches, `${safeSegment(batchId)}.intent`);
      const earlier = new Set([
        ...((await readJson<{ reviewers: string[] }>(intentFile))?.reviewers ?? []),
        ...((await readJson<{ reviewers: string[] }>(batchFile(campaignId, batchId)))?.reviewers ?? []),
      ]);
      await writeJson(intentFile, { reviewers: [...new Set([...earlier, ...byReviewer.keys()])] });
      const itemsFile = (reviewer: string) => join(reviewerDir(campaignId, reviewer), `items-${safeSegment(batchId)}.json`);
      for (const [reviewer, list] of byReviewer) {
        await mkdir(reviewerDir(campaignId, reviewer), { recursive: true, mode: 0o700 });
        await writeJson(itemsFile(reviewer), list);
      }
      for (const reviewer of earlier) if (!byReviewer.has(reviewer)) await rm(itemsFile(reviewer), { force: true });
      // The batch record last: a batch listed is a batch whose items are all written.
      await writeJson(batchFile(campaignId, batchId), { reviewers: [...byReviewer.keys()].sort(), items: items.length });
      await rm(intentFile, { force: true });
    },

    async listBatches(campaignId) {
      const dir = join(campaignDir(campaignId), 'batches');
      const files = await listRequired(campaignId, `the batches of campaign ${campaignId}`, dir, await requireCampaign(campaignId));
      return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    },

    async readBatch(campaignId, batchId) {
      await requireCampaign(campaignId);
      const record = await readJson<{ reviewers: string[] }>(batchFile(campaignId, batchId));
      if (!record) throw missing(`batch ${batchId} of campaign ${campaignId}`, batchFile(campaignId, batchId));
      const out: ReviewItem[] = [];
      for (const reviewer of record.reviewers) {
        const file = join(reviewerDir(campaignId, reviewer), `items-${safeSegment(batchId)}.json`);
        const items = await readJson<ReviewItem[]>(file);
        if (!items) throw missing(`reviewer ${reviewer}'s items of batch ${batchId} (campaign ${campaignId})`, file);
        out.push(...items);
      }
      return out;
    },

    async listReviewers(campaignId, page) {
      const all = await reviewers(campaignId);
      return page ? all.slice(page.offset, page.offset + page.limit) : all;
    },

    async countReviewers(campaignId) {
      return (await reviewers(campaignId)).length;
    },

    async readReviewerItems(campaignId, reviewer) {
      const dir = await requireReviewer(campaignId, reviewer);
      const out: ReviewItem[] = [];
      for (const file of (await listDirIfPresent(dir)) ?? []) {
        if (!file.startsWith('items-') || !file.endsWith('.json')) continue;
        const items = await readJson<ReviewItem[]>(join(dir, file));
        if (!items) throw missing(`reviewer ${reviewer}'s items (campaign ${campaignId})`, join(dir, file));
        out.push(...items);
      }
      return out;
    },

    async putDecisions(campaignId, reviewer, decisions) {
      await writeJson(join(await requireReviewer(campaignId, reviewer), 'decisions.json'), decisions);
    },

    async readDecisions(campaignId, reviewer) {
      return readJson<ItemDecision[]>(join(await requireReviewer(campaignId, reviewer), 'decisions.json'));
    },

    async putEnforcement(campaignId, reviewer, records) {
      await writeJson(join(await requireReviewer(campaignId, reviewer), 'enforcement.json'), records);
    },

    async readEnforcement(campaignId, reviewer) {
      return readJson<EnforcementRecord[]>(join(await requireReviewer(campaignId, reviewer), 'enforcement.json'));
    },
  };
  return store;
}
