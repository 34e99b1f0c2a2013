import { GetBucketTaggingCommand, ListBucketsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { BucketRead, ObjectStoreRead } from '../../ports/inventory.js';
import { awsCall, awsErrorCode, translateAwsError } from '../aws-iam/errors.js';

/** The inventory's S3 read: every bucket (ListBuckets, all pages) with its tags (GetBucketTagging; no tag set is none), and whether a prefix holds objects. Read-only. */
export function createS3InventoryRead(client: S3Client): ObjectStoreRead {
  return {
    async listBuckets() {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await awsCall({ service: 's3', operation: 'ListBuckets', subject: 'the buckets of the account' }, () =>
          client.send(new ListBucketsCommand({ ...(token ? { ContinuationToken: token } : {}) })),
        );
        names.push(...(page.Buckets ?? []).map((b) => b.Name ?? '').filter(Boolean));
        token = page.ContinuationToken;
      } while (token);
      const out: BucketRead[] = [];
      for (const name of names) {
        let tags: Record<string, string> = {};
        try {
          const t = await client.send(new GetBucketTaggingCommand({ Bucket: name }));
          tags = Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
        } catch (err) {
          if (awsErrorCode(err) !== 'NoSuchTagSet') throw translateAwsError(err, { service: 's3', operation: 'GetBucketTagging', subject: `bucket ${name}` });
        }
        out.push({ name, arn: `arn:aws:s3:::${name}`, tags });
      }
      return out;
    },
    async holdsObjects(bucket, prefix) {
      const page = await awsCall({ service: 's3', operation: 'ListObjectsV2', subject: `s3://${bucket}/${prefix}` }, () =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 })),
      );
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
    },
  };
}
