import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { InventorySetup } from '../activities/deps.js';
import { createAwsIamInventory } from '../activities/providers/aws-iam/aws-iam.js';
import { createGitHubInventoryRead } from '../activities/providers/github/inventory-read.js';
import { createEndpointProber } from '../activities/providers/http/probe.js';
import { createMlflowInventoryRead } from '../activities/providers/mlflow/inventory-read.js';
import { createS3InventoryRead } from '../activities/providers/s3/inventory-read.js';
import { createSageMakerInventoryRead } from '../activities/providers/sagemaker/inventory-read.js';
import type { WardenConfig } from '../config/config.js';

/**
 * The inventory's readers from the configured providers (an absent provider is a source not
 * configured) and its rules beside the access matrix (reviews.policy_dir/inventory-rules.yaml).
 */
export function buildInventory(config: WardenConfig): InventorySetup {
  const p = config.providers;
  const aws = p.aws;
  const dir = config.file.reviews.policyDir;
  return {
    rulesFile: join(dir, 'inventory-rules.yaml'),
    matrixFile: join(dir, 'access-matrix.yaml'),
    readers: {
      prober: createEndpointProber(),
      ...(p.mlflow ? { models: createMlflowInventoryRead(p.mlflow) } : {}),
      ...(p.github ? { code: createGitHubInventoryRead(p.github) } : {}),
      ...(aws
        ? {
            iam: createAwsIamInventory({ region: aws.region, ...(aws.endpoints.iam ? { endpoint: aws.endpoints.iam } : {}) }),
            buckets: createS3InventoryRead(new S3Client({ region: aws.region, maxAttempts: 2 })),
            endpoints: createSageMakerInventoryRead({ region: aws.region }),
          }
        : {}),
    },
  };
}
