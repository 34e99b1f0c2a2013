import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { startDevServer, type DevServer } from '../../temporal/dev-server.js';
import { SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';
import { postAlert, startIntake } from '../helpers/intake.js';
import { freePort } from '../helpers/ports.js';
import { SUITE_ENV } from '../helpers/suite-env.js';
import { suiteKeyring } from '../harness.js';

const cli = process.env[SUITE_ENV.temporalCli];

describe('Temporal outage', () => {
  it.skipIf(!cli)('answers 503 while Temporal is down, never 202, and 202 again once it is back', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'warden-outage-')), 'temporal.db');
    const [port, uiPort] = [await freePort(), await freePort()];
    const start = (): Promise<DevServer> => startDevServer({ binary: cli!, ip: '127.0.0.1', port, uiPort, dbFile, namespace: 'default', searchAttributes: SEARCH_ATTRIBUTES });
    let server = await start();
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }), dataConverter: wardenDataConverter(suiteKeyring()) });
    const intake = await startIntake(client);
    const alert = { type: 'credential.leaked', severity: 'high', title: 'outage test', source: 'outage', fingerprint: `outage-${randomUUID()}` };
    try {
      expect((await postAlert(intake.url, alert)).status).toBe(202);

      process.kill(server.pid, 'SIGKILL');
      await server.exited;
      const down = await postAlert(intake.url, { ...alert, title: 'while down' });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBeTruthy();
      expect(((await down.json()) as { error: string }).error).toMatch(/Temporal cannot take the request/);

      server = await start();
      await expect.poll(async () => (await postAlert(intake.url, { ...alert, title: 'after' })).status, { timeout: 60_000, interval: 1_000 }).toBe(202);
    } finally {
      intake.close();
      await client.connection.close();
      await server.stop();
    }
  });
});
