import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../codec/data-converter.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { smokeRelease, smokeStage, type SmokeResult } from '../contracts/smoke.js';
import { freePort } from './helpers/ports.js';
import { SUITE_ENV } from './helpers/suite-env.js';
import { suiteKeyring, uniqueTaskQueue, withWorker } from './harness.js';

const cli = process.env[SUITE_ENV.temporalCli];

describe('durability across a Temporal dev-server restart', () => {
  // Needs its own server to kill; skipped only when the suite runs against TEMPORAL_ADDRESS.
  it.skipIf(!cli)('workflows waiting on a signal and on a timer complete after the server is killed and restarted on the same db', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'warden-durability-')), 'temporal.db');
    const port = await freePort();
    const uiPort = await freePort();
    const address = `127.0.0.1:${port}`;
    const start = (): Promise<DevServer> => startDevServer({ binary: cli!, ip: '127.0.0.1', port, uiPort, dbFile, namespace: 'default' });
    const connectClient = async (): Promise<Client> => new Client({ connection: await Connection.connect({ address }), dataConverter: wardenDataConverter(suiteKeyring()) });

    const taskQueue = uniqueTaskQueue('durability');
    const signalId = `durable-signal-${randomUUID()}`;
    const timerId = `durable-timer-${randomUUID()}`;

    let server = await start();
    let client = await connectClient();
    await withWorker({ providers: {} }, { taskQueue, address }, async () => {
      const held = await client.workflow.start('smokeWorkflow', { taskQueue, workflowId: signalId, args: [{ message: 'held', holdForRelease: true }] });
      await client.workflow.start('smokeWorkflow', { taskQueue, workflowId: timerId, args: [{ message: 'timed', sleepMs: 8_000 }] });
      await expect.poll(() => held.query(smokeStage), { timeout: 20_000 }).toBe('holding');
      await expect.poll(() => client.workflow.getHandle(timerId).query(smokeStage), { timeout: 20_000 }).toBe('sleeping');
    });
    await client.connection.close();

    // A hard kill, as a crash would be: nothing gets to flush on the way down.
    process.kill(server.pid, 'SIGKILL');
    await server.exited;
    server = await start();
    try {
      client = await connectClient();
      await withWorker({ providers: {} }, { taskQueue, address }, async () => {
        const held = client.workflow.getHandle(signalId);
        expect(await held.query(smokeStage)).toBe('holding');
        await held.signal(smokeRelease);
        const released = (await held.result()) as SmokeResult;
        expect(released).toMatchObject({ message: 'held', released: true });
        const timed = (await client.workflow.getHandle(timerId).result()) as SmokeResult;
        expect(timed).toMatchObject({ message: 'timed', sleptMs: 8_000 });
      });
      await client.connection.close();
    } finally {
      await server.stop();
    }
  });
});
