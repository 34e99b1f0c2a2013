import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AuditStore } from '../../ports/audit-store.js';

export interface S3AuditStoreOptions {
  readonly bucket: string;
  /** Key prefix, e.g. `warden/audit/`. */
  readonly prefix: string;
  /** How long each object version is locked in COMPLIANCE mode (nobody, root included, can delete or shorten it). */
  readonly retentionDays: number;
  readonly region?: string;
  /** An S3-compatible endpoint (moto, MinIO); the SDK also reads AWS_ENDPOINT_URL_S3. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const missing = (err: unknown) => err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);

/**
 * The audit store on S3 (or S3-compatible storage) with Object Lock: the bucket must have been
 * created with Object Lock on. Every object version is written with COMPLIANCE retention, so a
 * batch, once written, cannot be deleted or overwritten in place until it expires; the head is a
 * new version each time, the old ones stay locked too.
 */
export function createS3AuditStore(o: S3AuditStoreOptions): AuditStore {
  const s3 = new S3Client({
    region: o.region ?? 'us-east-1',
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  const key = (name: string) => `${o.prefix}${name}`;
  const put = (name: string, text: string, onlyNew: boolean) =>
    s3.send(
      new PutObjectCommand({
        Bucket: o.bucket,
        Key: key(name),
        Body: text,
        ContentType: 'application/x-ndjson',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + o.retentionDays * 86_400_000),
        ...(onlyNew ? { IfNoneMatch: '*' } : {}),
      }),
    );
  const get = async (name: string): Promise<string | undefined> => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: key(name) }));
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  };
  return {
    location: `s3://${o.bucket}/${o.prefix}`,
    async putOnce(name, text) {
      const there = await get(name);
      if (there === text) return; // a retried batch
      if (there !== undefined) throw new Error(`s3://${o.bucket}/${key(name)} already holds other text: refusing to overwrite an audit batch`);
      try {
        await put(name, text, true);
      } catch (err) {
        // Another writer got there between the read and the write (412): the same text is fine.
        if (!(err instanceof S3ServiceException && err.$metadata.httpStatusCode === 412) || (await get(name)) !== text) throw err;
      }
    },
    async replace(name, text) {
      await put(name, text, false);
    },
    get,
    async list() {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: o.bucket, Prefix: o.prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const obj of page.Contents ?? []) if (obj.Key) names.push(obj.Key.slice(o.prefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return names.filter((n) => n && !n.includes('/')).sort();
    },
  };
}
