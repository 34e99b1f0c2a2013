import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../../contracts/review-types.js';
import type { ReviewStore } from '../../ports/review-store.js';
import { safeSegment } from '../../../contracts/reviews.js';

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

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The review store on the local file system (the embedded default; a shared volume when several
 * workers run). Layout under `rootDir/<campaign>/`:
 *   batches/<batch>.json                    the reviewers a batch touched, and its size
 *   reviewers/<reviewer>/items-<batch>.json the reviewer's items from that batch
 *   reviewers/<reviewer>/decisions.json     recorded when the reviewer's workflow closes
 *   reviewers/<reviewer>/enforcement.json   what enforcement did with the revoked items
 * Items are kept once, under their reviewer, because reviewers read them far more often than
 * batches are read back (only by the evidence pack).
 */
export function createLocalReviewStore(rootDir: string): ReviewStore {
  const root = resolve(rootDir);
  const campaignDir = (c: string) => join(root, safeSegment(c));
  const reviewerDir = (c: string, r: string) => join(campaignDir(c), 'reviewers', safeSegment(r));
  const batchFile = (c: string, b: string) => join(campaignDir(c), 'batches', `${safeSegment(b)}.json`);

  const store: ReviewStore = {
    async putBatch(campaignId, batchId, items) {
      const byReviewer = new Map<string, ReviewItem[]>();
      for (const item of items) {
        const list = byReviewer.get(item.reviewer) ?? [];
        list.push(item);
        byReviewer.set(item.reviewer, list);
      }
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
      return (await listDir(join(campaignDir(campaignId), 'batches'))).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    },

    async readBatch(campaignId, batchId) {
      const record = await readJson<{ reviewers: string[] }>(batchFile(campaignId, batchId));
      if (!record) return [];
      const out: ReviewItem[] = [];
      for (const reviewer of record.reviewers) {
        out.push(...((await readJson<ReviewItem[]>(join(reviewerDir(campaignId, reviewer), `items-${safeSegment(batchId)}.json`))) ?? []));
      }
      return out;
    },

    async listReviewers(campaignId, page) {
      const all = await listDir(join(campaignDir(campaignId), 'reviewers'));
      return page ? all.slice(page.offset, page.offset + page.limit) : all;
    },

    async countReviewers(campaignId) {
      return (await listDir(join(campaignDir(campaignId), 'reviewers'))).length;
    },

    async readReviewerItems(campaignId, reviewer) {
      const dir = reviewerDir(campaignId, reviewer);
      const out: ReviewItem[] = [];
      for (const file of await listDir(dir)) {
        if (file.startsWith('items-') && file.endsWith('.json')) out.push(...((await readJson<ReviewItem[]>(join(dir, file))) ?? []));
      }
      return out;
    },

    async putDecisions(campaignId, reviewer, decisions) {
      const dir = reviewerDir(campaignId, reviewer);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeJson(join(dir, 'decisions.json'), decisions);
    },

    async readDecisions(campaignId, reviewer) {
      return readJson<ItemDecision[]>(join(reviewerDir(campaignId, reviewer), 'decisions.json'));
    },

    async putEnforcement(campaignId, reviewer, records) {
      const dir = reviewerDir(campaignId, reviewer);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeJson(join(dir, 'enforcement.json'), records);
    },

    async readEnforcement(campaignId, reviewer) {
      return readJson<EnforcementRecord[]>(join(reviewerDir(campaignId, reviewer), 'enforcement.json'));
    },
  };
  return store;
}
