import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../../contracts/review-types.js';
import type { ReviewStore } from '../../ports/review-store.js';
import { safeSegment } from '../../../contracts/reviews.js';
import { failure, FailureKind } from '../../../contracts/failures.js';
import { groupByReviewer, previousBatch } from '../review-store/local-review-store.js';
import { s3Failure as s3FailureOf, statusOf, type SdkError } from './s3-errors.js';

export interface S3ReviewStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key, e.g. `warden/review-store/`. */
  readonly prefix: string;
}

const s3Failure = (err: unknown, what: string) => s3FailureOf('review store', err, what);

/**
 * The review store in an S3 bucket (any S3-compatible store) that every worker shares, with the
 * local store's layout under `prefix<campaign>/`:
 *   campaign.json                            the manifest, written when the campaign opens
 *   batches/<batch>.json                     the reviewers a batch touched, and its size
 *   batches/<batch>.intent                   while a batch is written: every reviewer any attempt wrote it to
 *   reviewers/<reviewer>/items-<batch>.json  the reviewer's items from that batch
 *   reviewers/<reviewer>/decisions.json      recorded when the reviewer's workflow closes
 *   reviewers/<reviewer>/enforcement.json    what enforcement did with the revoked items
 * S3 reads, writes and listings are strongly consistent, so a worker reads what another just
 * wrote. Each record is one object written whole (a retry writes the same bytes again); the batch
 * record is written last, so a listed batch has all its items. There is no campaign from before
 * manifests here: a campaign without `campaign.json` is not in this bucket, and every read or write
 * of it fails with `ReviewDataMissing`, naming the object's URI.
 */
export function createS3ReviewStore(opts: S3ReviewStoreOptions): ReviewStore {
  const { client, bucket, prefix } = opts;
  const base = (c: string) => `${prefix}${safeSegment(c)}/`;
  const manifestKey = (c: string) => `${base(c)}campaign.json`;
  const batchKey = (c: string, b: string, ext = 'json') => `${base(c)}batches/${safeSegment(b)}.${ext}`;
  const reviewerBase = (c: string, r: string) => `${base(c)}reviewers/${safeSegment(r)}/`;
  const itemsKey = (c: string, r: string, b: string) => `${reviewerBase(c, r)}items-${safeSegment(b)}.json`;
  const uri = (key: string) => `s3://${bucket}/${key}`;

  const missing = (what: string, key: string) =>
    failure(
      FailureKind.ReviewDataMissing,
      `${what} is missing from the review store: ${uri(key)} does not exist. ` +
        'It was written to another store (a worker on its own state dir or bucket?) or removed; every worker must share one review store.',
    );

  async function getJson<T>(key: string): Promise<T | undefined> {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse((await res.Body?.transformToString('utf8')) ?? '') as T;
    } catch (err) {
      if (statusOf(err) === 404 && (err as SdkError).name === 'NoSuchKey') return undefined;
      throw s3Failure(err, `reading ${uri(key)}`);
    }
  }
  async function putJson(key: string, value: unknown): Promise<void> {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }));
    } catch (err) {
      throw s3Failure(err, `writing ${uri(key)}`);
    }
  }
  async function remove(key: string): Promise<void> {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (statusOf(err) !== 404) throw s3Failure(err, `removing ${uri(key)}`);
    }
  }
  /**
   * The keys under `under` (delimited: the names of its "folders"), in S3's order (UTF-8 binary,
   * the same as a sort of the safe segments), stopping once `enough` are found.
   */
  async function list(under: string, opt: { folders?: boolean; enough?: number } = {}): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      let res;
      try {
        res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ContinuationToken: token, ...(opt.folders ? { Delimiter: '/' } : {}) }));
      } catch (err) {
        throw s3Failure(err, `listing ${uri(under)}`);
      }
      if (opt.folders) for (const p of res.CommonPrefixes ?? []) out.push(p.Prefix!.slice(under.length, -1));
      else for (const o of res.Contents ?? []) out.push(o.Key!.slice(under.length));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token && (opt.enough === undefined || out.length < opt.enough));
    return out;
  }

  const opened = new Set<string>(); // manifests seen: a manifest is never removed
  const requireCampaign = async (c: string): Promise<void> => {
    if (opened.has(c)) return;
    if (!(await getJson(manifestKey(c)))) throw missing(`campaign ${c}`, manifestKey(c));
    opened.add(c);
  };
  const requireReviewer = async (c: string, r: string): Promise<string[]> => {
    await requireCampaign(c);
    const keys = await list(reviewerBase(c, r));
    if (!keys.length) throw missing(`reviewer ${r} of campaign ${c}`, reviewerBase(c, r));
    return keys;
  };
  const reviewers = async (c: string, enough?: number) => {
    await requireCampaign(c);
    return list(`${base(c)}reviewers/`, { folders: true, ...(enough !== undefined ? { enough } : {}) });
  };
  const readRecord = async <T>(c: string, r: string, name: string) => {
    await requireReviewer(c, r);
    return getJson<T>(`${reviewerBase(c, r)}${name}`);
  };
  const writeRecord = async (c: string, r: string, name: string, value: unknown) => {
    await requireReviewer(c, r);
    await putJson(`${reviewerBase(c, r)}${name}`, value);
  };

  return {
    async openCampaign(campaignId, manifest) {
      if (!(await getJson(manifestKey(campaignId)))) await putJson(manifestKey(campaignId), { campaignId, scope: [...manifest.scope] });
      opened.add(campaignId);
    },

    async putBatch(campaignId, batchId, items) {
      await requireCampaign(campaignId);
      const before = previousBatch(batchId);
      if (before && !(await getJson(batchKey(campaignId, before)))) throw missing(`batch ${before} of campaign ${campaignId}, which batch ${batchId} follows,`, batchKey(campaignId, before));
      const byReviewer = groupByReviewer(items);
      // A rerun may assign differently: the intent names every reviewer any attempt wrote this batch to.
      const intent = batchKey(campaignId, batchId, 'intent');
      const earlier = new Set([...((await getJson<{ reviewers: string[] }>(intent))?.reviewers ?? []), ...((await getJson<{ reviewers: string[] }>(batchKey(campaignId, batchId)))?.reviewers ?? [])]);
      await putJson(intent, { reviewers: [...new Set([...earlier, ...byReviewer.keys()])] });
      const writes = [...byReviewer].map(
        ([reviewer, list]) =>
          () =>
            putJson(itemsKey(campaignId, reviewer, batchId), list),
      );
      for (const reviewer of earlier) if (!byReviewer.has(reviewer)) writes.push(() => remove(itemsKey(campaignId, reviewer, batchId)));
      // A batch touches many reviewers: a few writes at a time.
      for (let i = 0; i < writes.length; i += 16) await Promise.all(writes.slice(i, i + 16).map((w) => w()));
      // The batch record last: a batch listed is a batch whose items are all written.
      await putJson(batchKey(campaignId, batchId), { reviewers: [...byReviewer.keys()].sort(), items: items.length });
      await remove(intent);
    },

    async listBatches(campaignId) {
      await requireCampaign(campaignId);
      return (await list(`${base(campaignId)}batches/`)).filter((k) => k.endsWith('.json')).map((k) => k.slice(0, -'.json'.length));
    },

    async readBatch(campaignId, batchId) {
      await requireCampaign(campaignId);
      const record = await getJson<{ reviewers: string[] }>(batchKey(campaignId, batchId));
      if (!record) throw missing(`batch ${batchId} of campaign ${campaignId}`, batchKey(campaignId, batchId));
      const out: ReviewItem[] = [];
      for (const reviewer of record.reviewers) {
        const items = await getJson<ReviewItem[]>(itemsKey(campaignId, reviewer, batchId));
        if (!items) throw missing(`reviewer ${reviewer}'s items of batch ${batchId} (campaign ${campaignId})`, itemsKey(campaignId, reviewer, batchId));
        out.push(...items);
      }
      return out;
    },

    async listReviewers(campaignId, page) {
      if (!page) return reviewers(campaignId);
      return (await reviewers(campaignId, page.offset + page.limit)).slice(page.offset, page.offset + page.limit);
    },

    async countReviewers(campaignId) {
      return (await reviewers(campaignId)).length;
    },

    async readReviewerItems(campaignId, reviewer) {
      const names = (await requireReviewer(campaignId, reviewer)).filter((n) => n.startsWith('items-') && n.endsWith('.json'));
      const out: ReviewItem[] = [];
      for (const name of names) {
        const items = await getJson<ReviewItem[]>(`${reviewerBase(campaignId, reviewer)}${name}`);
        if (!items) throw missing(`reviewer ${reviewer}'s items (campaign ${campaignId})`, `${reviewerBase(campaignId, reviewer)}${name}`);
        out.push(...items);
      }
      return out;
    },

    putDecisions: (campaignId, reviewer, decisions) => writeRecord(campaignId, reviewer, 'decisions.json', decisions),
    readDecisions: (campaignId, reviewer) => readRecord<ItemDecision[]>(campaignId, reviewer, 'decisions.json'),
    putEnforcement: (campaignId, reviewer, records) => writeRecord(campaignId, reviewer, 'enforcement.json', records),
    readEnforcement: (campaignId, reviewer) => readRecord<EnforcementRecord[]>(campaignId, reviewer, 'enforcement.json'),
  };
}
