/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- the built dist/ is imported by URL, without types */
// A Warden worker in its own process with its own state dir, for the two-worker test
// (test/audit/audit-two-workers.test.ts): the built worker (dist/) with the audit store and key
// its configuration names (WARDEN_AUDIT=s3), which, once polling, appends APPENDS entries of its
// own to the one audit chain (every third one sent twice, as a retrying client would).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

const dist = new URL('../../dist/', import.meta.url);
const { createWardenWorker } = await import(new URL('worker/worker.js', dist).href);
const { wardenDataConverter } = await import(new URL('codec/data-converter.js', dist).href);
const { parseKeysVariable } = await import(new URL('codec/keyring.js', dist).href);
const { loadWardenConfig } = await import(new URL('config/load.js', dist).href);
const { loadAuditKey } = await import(new URL('config/audit-key.js', dist).href);
const { auditStoreOf } = await import(new URL('worker/deps.js', dist).href);
const { AUDIT_WORKFLOW_TYPE, auditAppendSignal, auditWorkflowId } = await import(new URL('contracts/audit.js', dist).href);

const env = process.env;
const config = loadWardenConfig(env);
const dataConverter = wardenDataConverter(parseKeysVariable(env.WARDEN_TEST_ENCRYPTION_KEYS));
const taskQueue = env.AUDIT_TASK_QUEUE;
const connection = await NativeConnection.connect({ address: env.WARDEN_TEST_TEMPORAL_ADDRESS });
const worker = await createWardenWorker({
  connection,
  namespace: env.WARDEN_TEST_TEMPORAL_NAMESPACE,
  taskQueue,
  dataConverter,
  identity: env.WORKER_NAME,
  workflowBundle: { codePath: env.WARDEN_TEST_WORKFLOW_BUNDLE },
  deps: { providers: {}, audit: { store: auditStoreOf(config), secretKey: loadAuditKey(config.audit.keyFile) } },
});
const running = worker.run();
process.stdout.write('polling\n');
process.once('SIGTERM', () => worker.shutdown());

const client = new Client({ connection: await Connection.connect({ address: env.WARDEN_TEST_TEMPORAL_ADDRESS }), namespace: env.WARDEN_TEST_TEMPORAL_NAMESPACE, dataConverter });
const append = (entries) => client.workflow.signalWithStart(AUDIT_WORKFLOW_TYPE, { workflowId: auditWorkflowId(taskQueue), taskQueue, args: [{}], signal: auditAppendSignal, signalArgs: [entries] });
const entry = (n) => ({ time: new Date().toISOString(), kind: 'token.use', actor: env.WORKER_NAME, subject: `append ${n}`, details: { n, stateDir: config.stateDir }, key: `${env.WORKER_NAME}-${n}` });
await new Promise((r) => setTimeout(r, Number(env.START_AT) - Date.now())); // both start appending at the same moment
const sends = [];
for (let n = 1; n <= Number(env.APPENDS); n++) {
  sends.push(append([entry(n)]));
  if (n % 3 === 0) sends.push(append([entry(n)]));
  if (n % 5 === 0) await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(sends);
process.stdout.write('appended\n');
await running;
await client.connection.close();
