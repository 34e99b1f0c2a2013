import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { suiteClient, suiteKeyring, uniqueTaskQueue, withWorker } from '../harness.js';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = 'codec-token-0123456789abcdef';

async function serve(client: Client, taskQueue: string, extra: { token?: string; localWorkerState?: () => string } = {}) {
  const server: Server = createHttpApp({
    health: createHealthProbe({ client, taskQueue, ...(extra.localWorkerState ? { localWorkerState: extra.localWorkerState } : {}) }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: [UI_ORIGIN],
    codecToken: extra.token ?? TOKEN,
    log: () => undefined,
  });
  const port = await listen(server, '127.0.0.1', 0);
  return { server, url: `http://127.0.0.1:${port}` };
}

describe('GET /healthz', () => {
  let client: Client;
  beforeAll(async () => {
    client = await suiteClient();
  });
  afterAll(async () => client.connection.close());

  it('answers 200 only while a worker polls the task queue, 503 with the reason otherwise', async () => {
    const taskQueue = uniqueTaskQueue('health');
    const { server, url } = await serve(client, taskQueue);
    try {
      const idle = await fetch(`${url}/healthz`);
      expect(idle.status).toBe(503);
      expect(await idle.json()).toMatchObject({ ok: false, temporal: { reachable: true }, worker: { running: false } });

      await withWorker({ providers: {} }, { taskQueue }, async () => {
        await expect.poll(async () => (await fetch(`${url}/healthz`)).status, { timeout: 20_000, interval: 250 }).toBe(200);
      });
    } finally {
      server.close();
    }
  });

  it('follows the in-process worker state in the embedded process', async () => {
    let state = 'RUNNING';
    const { server, url } = await serve(client, uniqueTaskQueue('health-local'), { localWorkerState: () => state });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      state = 'DRAINING';
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ worker: { running: false, detail: 'local worker DRAINING' } });
    } finally {
      server.close();
    }
  });

  it('answers 503 naming Temporal when it is unreachable', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const { server, url } = await serve(unreachable, 'any');
    try {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ok: false, temporal: { reachable: false } });
    } finally {
      server.close();
    }
  });
});

describe('remote codec endpoint', () => {
  let client: Client;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    client = await suiteClient();
    ({ server, url } = await serve(client, 'codec', { token: TOKEN }));
  });
  afterAll(async () => {
    server.close();
    await client.connection.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const wire = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });

  it('encodes and decodes in the Web UI protocol, with CORS for the UI origin', async () => {
    const plain = wire(defaultPayloadConverter.toPayload({ title: 'model tampering', key: 'AKIASECRET' }));
    const enc = await post('/codec/encode', { payloads: [plain] }, { origin: UI_ORIGIN, 'x-namespace': 'default' });
    expect(enc.status).toBe(200);
    expect(enc.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').includes('AKIASECRET')).toBe(false);

    const dec = await post('/codec/decode', encoded);
    expect(dec.status).toBe(200);
    expect(await dec.json()).toEqual({ payloads: [plain] });
  });

  it('answers the browser preflight for the UI origin and refuses other origins', async () => {
    const ok = await fetch(`${url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const evil = await fetch(`${url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect((await post('/codec/decode', { payloads: [] }, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('requires the bearer token when one is configured', async () => {
    const none = await post('/codec/decode', { payloads: [] }, { authorization: '' });
    expect(none.status).toBe(401);
    const wrong = await post('/codec/decode', { payloads: [] }, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain(TOKEN);
  });

  it('answers a caller mistake with its status and the field at fault, never a 500', async () => {
    expect((await post('/codec/decode', '{"payloads": [', {})).status).toBe(400);
    const bad = await post('/codec/decode', { payloads: [{ data: 'not base64!' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: [{ path: 'payloads.0.data', message: 'must be base64' }] });
    expect((await post('/codec/decode', { payloads: [] }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('/codec/decode', 'x'.repeat(9 * 1024 * 1024))).status).toBe(413);
    expect((await fetch(`${url}/codec/decode`)).status).toBe(405);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const foreign = await post('/codec/decode', {
      payloads: [
        { metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('gone').toString('base64') }, data: Buffer.alloc(40).toString('base64') },
      ],
    });
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as { error: string }).error).toMatch(/unknown key id "gone"/);
  });
});
