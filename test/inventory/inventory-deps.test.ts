import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWardenConfig } from '../../config/load.js';
import { buildInventory } from '../../worker/inventory-deps.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-inventory-deps-'));
writeFileSync(join(dir, 'warden.yaml'), '{}\n');
const base = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_AWS: 'off' };

describe("the worker's inventory readers", () => {
  it('only the probe without providers: every other source is absent, so not configured', () => {
    const setup = buildInventory(loadWardenConfig(base, dir));
    expect(Object.keys(setup.readers)).toEqual(['prober']);
    expect(setup.rulesFile).toBe(join('policy', 'inventory-rules.yaml'));
    expect(setup.matrixFile).toBe(join('policy', 'access-matrix.yaml'));
  });

  it('a reader for each configured provider: MLflow, GitHub, and AWS (IAM, S3, SageMaker)', () => {
    const env = { ...base, WARDEN_AWS: 'on', AWS_REGION: 'eu-west-1', MLFLOW_TRACKING_URI: 'http://127.0.0.1:1', WARDEN_GITHUB_ORG: 'acme', GITHUB_TOKEN: 'ghp_x' };
    const setup = buildInventory(loadWardenConfig(env, dir));
    expect(Object.keys(setup.readers).sort()).toEqual(['buckets', 'code', 'endpoints', 'iam', 'models', 'prober']);
    expect(setup.readers.models?.where).toBe('http://127.0.0.1:1');
    expect(setup.readers.code?.org).toBe('acme');
  });
});
