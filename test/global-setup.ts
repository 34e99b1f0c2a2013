import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../codec/data-converter.js';
import { findTemporalCli } from '../temporal/cli-binary.js';
import { workflowsPath } from '../worker/worker.js';
import { SA_PHASE, SA_PLAYBOOK, SA_SEVERITY, SA_STATUS } from '../contracts/search-attributes.js';
import { SUITE_ENV } from './helpers/suite-env.js';

/**
 * Starts ONE Temporal dev server for the whole suite (or uses TEMPORAL_ADDRESS when set),
 * bundles the workflow code once, and makes a throwaway encryption key for the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  let env: TestWorkflowEnvironment | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

  if (!address) {
    const cli = findTemporalCli();
    if (!cli) {
      process.stderr.write('test setup: no Temporal CLI (TEMPORAL_CLI_PATH, PATH, cache); falling back to the SDK download\n');
    }
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        ...(cli ? { executable: { type: 'existing-path' as const, path: cli.path } } : {}),
        ip: '127.0.0.1',
        namespace,
        ui: false,
        dbFilename: join(dir, 'temporal.db'),
        searchAttributes: [SA_STATUS, SA_SEVERITY, SA_PLAYBOOK, SA_PHASE],
      },
    });
    address = env.address;
    if (cli) process.env[SUITE_ENV.temporalCli] = cli.path;
  }

  const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), failureConverterPath, logger: quietLogger });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  process.env[SUITE_ENV.address] = address;
  process.env[SUITE_ENV.namespace] = namespace;
  process.env[SUITE_ENV.keys] = `suite-key-1:${randomBytes(32).toString('base64')}`;
  process.env[SUITE_ENV.bundle] = bundlePath;

  return async () => {
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}

const noop = (): void => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => process.stderr.write(`${m}\n`) };
