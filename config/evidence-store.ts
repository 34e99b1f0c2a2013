import { z } from 'zod';

/** Where evidence goes when it is not the local directory: an S3 bucket (any S3-compatible store) with Object Lock. */
export interface EvidenceS3Config {
  readonly bucket: string;
  /** Prepended to every key, e.g. `warden/`. */
  readonly prefix: string;
  readonly region: string;
  /** An S3-compatible endpoint (MinIO, moto…): path-style addressing. Absent: AWS (or AWS_ENDPOINT_URL_S3, which the SDK reads). */
  readonly endpoint?: string;
  /** Object Lock retention set on each object; absent with WARDEN_EVIDENCE_LOCK_MODE=off. */
  readonly retention?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number };
}

/** The evidence store's variables (merged into the environment schema of config.ts). */
export const evidenceStoreEnv = {
  WARDEN_EVIDENCE_STORE: z.enum(['local', 's3']).default('local'),
  WARDEN_EVIDENCE_BUCKET: z.string().trim().min(3).max(63).optional(),
  WARDEN_EVIDENCE_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be empty or path segments each ending in "/", e.g. warden/')
    .default(''),
  WARDEN_EVIDENCE_S3_ENDPOINT: z.url().optional(),
  WARDEN_EVIDENCE_LOCK_MODE: z.enum(['GOVERNANCE', 'COMPLIANCE', 'off']).default('GOVERNANCE'),
  WARDEN_EVIDENCE_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  /** Where review campaigns keep items, decisions and enforcement. Unset: follows WARDEN_EVIDENCE_STORE. */
  WARDEN_REVIEW_STORE: z.enum(['local', 's3']).optional(),
};

type EvidenceEnv = z.infer<z.ZodObject<typeof evidenceStoreEnv>>;

/** The S3 evidence store when WARDEN_EVIDENCE_STORE=s3; the problem when its bucket is missing. */
export function evidenceS3From(e: EvidenceEnv, region: string | undefined): { s3?: EvidenceS3Config; problems: string[] } {
  if (e.WARDEN_EVIDENCE_STORE !== 's3') return { problems: [] };
  if (!e.WARDEN_EVIDENCE_BUCKET) return { problems: ['WARDEN_EVIDENCE_BUCKET: required when WARDEN_EVIDENCE_STORE=s3 (the bucket, created with Object Lock enabled)'] };
  return {
    problems: [],
    s3: {
      bucket: e.WARDEN_EVIDENCE_BUCKET,
      prefix: e.WARDEN_EVIDENCE_PREFIX,
      region: region ?? 'us-east-1',
      ...(e.WARDEN_EVIDENCE_S3_ENDPOINT ? { endpoint: e.WARDEN_EVIDENCE_S3_ENDPOINT } : {}),
      ...(e.WARDEN_EVIDENCE_LOCK_MODE !== 'off' ? { retention: { mode: e.WARDEN_EVIDENCE_LOCK_MODE, days: e.WARDEN_EVIDENCE_RETENTION_DAYS } } : {}),
    },
  };
}

/** The review store in the evidence bucket, under `<evidence prefix>review-store/` (beside `ledger/`); no Object Lock on its writes: decisions are rewritten whole. */
export interface ReviewS3Config {
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly endpoint?: string;
}

/**
 * The shared review store, or the problem. Several workers need every store shared, so the review
 * store follows the evidence store unless WARDEN_REVIEW_STORE says otherwise: `local` keeps it in
 * the state dir (one worker, or a shared volume), `s3` requires the S3 evidence store's bucket.
 */
export function reviewS3From(e: Pick<EvidenceEnv, 'WARDEN_REVIEW_STORE' | 'WARDEN_EVIDENCE_STORE'>, evidence: EvidenceS3Config | undefined): { s3?: ReviewS3Config; problems: string[] } {
  const kind = e.WARDEN_REVIEW_STORE ?? e.WARDEN_EVIDENCE_STORE;
  if (kind !== 's3') return { problems: [] };
  if (!evidence) return { problems: ['WARDEN_REVIEW_STORE: s3 keeps reviews in the evidence bucket: set WARDEN_EVIDENCE_STORE=s3 and WARDEN_EVIDENCE_BUCKET too'] };
  const { bucket, prefix, region, endpoint } = evidence;
  return { problems: [], s3: { bucket, prefix: `${prefix}review-store/`, region, ...(endpoint ? { endpoint } : {}) } };
}
