/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- the built dist/ is imported by URL, without types */
// A Warden worker in its own process, for the SIGKILL test (test/audit/audit-kill.test.ts): the
// built worker (dist/) with an audit store that, after writing a batch, says so on stdout and
// holds the activity open for AUDIT_HOLD_MS, so the test can kill it mid-append.
import { NativeConnection } from '@temporalio/worker';

const dist = new URL('../../dist/', import.meta.url);
const { createWardenWorker } = await import(new URL('worker/worker.js', dist).href);
const { wardenDataConverter } = await import(new URL('codec/data-converter.js', dist).href);
const { parseKeysVariable } = await import(new URL('codec/keyring.js', dist).href);
const { createLocalAuditStore } = await import(new URL('activities/providers/audit-store/local-audit-store.js', dist).href);

const env = process.env;
const base = createLocalAuditStore(env.AUDIT_DIR);
const store = {
  ...base,
  async putOnce(name, text) {
    await base.putOnce(name, text);
    process.stdout.write(`wrote ${name}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number(env.AUDIT_HOLD_MS)));
  },
};
const connection = await NativeConnection.connect({ address: env.WARDEN_TEST_TEMPORAL_ADDRESS });
const worker = await createWardenWorker({
  connection,
  namespace: env.WARDEN_TEST_TEMPORAL_NAMESPACE,
  taskQueue: env.AUDIT_TASK_QUEUE,
  dataConverter: wardenDataConverter(parseKeysVariable(env.WARDEN_TEST_ENCRYPTION_KEYS)),
  workflowBundle: { codePath: env.WARDEN_TEST_WORKFLOW_BUNDLE },
  deps: { providers: {}, audit: { store, secretKey: env.AUDIT_SECRET_KEY } },
});
process.stdout.write('polling\n');
await worker.run();
