/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- the built dist/ is imported by URL, without types */
// One "host" of the two-host kill test (test/scale/two-hosts-kill.test.ts): what `warden worker`
// runs (dist/: the configuration from the environment, buildDeps, the Warden worker), on the test's
// own task queue and with its own identity, so that the test can tell which host ran what.
import { NativeConnection } from '@temporalio/worker';

const dist = new URL('../../dist/', import.meta.url);
const { createWardenWorker } = await import(new URL('worker/worker.js', dist).href);
const { buildDeps } = await import(new URL('worker/deps.js', dist).href);
const { wardenDataConverter } = await import(new URL('codec/data-converter.js', dist).href);
const { parseKeysVariable } = await import(new URL('codec/keyring.js', dist).href);
const { loadWardenConfig } = await import(new URL('config/load.js', dist).href);

const env = process.env;
const config = loadWardenConfig(env);
const connection = await NativeConnection.connect({ address: env.WARDEN_TEST_TEMPORAL_ADDRESS });
const worker = await createWardenWorker({
  connection,
  namespace: env.WARDEN_TEST_TEMPORAL_NAMESPACE,
  taskQueue: env.HOST_TASK_QUEUE,
  dataConverter: wardenDataConverter(parseKeysVariable(env.WARDEN_TEST_ENCRYPTION_KEYS)),
  identity: env.HOST_NAME,
  workflowBundle: { codePath: env.WARDEN_TEST_WORKFLOW_BUNDLE },
  deps: buildDeps(config),
});
process.once('SIGTERM', () => void worker.shutdown());
const running = worker.run();
process.stdout.write(`polling ${config.stateDir}\n`);
await running;
await connection.close();
