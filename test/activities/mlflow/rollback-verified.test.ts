/**
 * A rollback is verified (issue #19, point 5): after moving the alias, Warden reads back what it
 * serves and checks the version's source, run and checksum tag against the version it chose. A
 * registry that answers with another artifact (here a proxy that rewrites the read-back, as a
 * tampered or inconsistent registry would) fails the rollback retryable, before the bad version
 * is tagged, instead of recording a restore that did not happen.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../../activities/providers/mlflow/mlflow-registry.js';
import { listen } from '../../../server/app.js';
import { mlflowRest, startMlflow, versionTags, type MlflowPeer } from '../../peers/mlflow.js';

let peer: MlflowPeer;
let proxy: Server;
let proxyUrl: string;
/** When set, the proxy rewrites the source of every alias read-back to this. */
let forgedSource: string | undefined;

beforeAll(async () => {
  peer = await startMlflow();
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const upstream = await fetch(`${peer.trackingUri}${req.url}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }),
        });
        let text = await upstream.text();
        if (forgedSource && req.method === 'GET' && req.url?.includes('registered-models/alias')) {
          const json = JSON.parse(text) as { model_version?: { source?: string } };
          if (json.model_version) json.model_version.source = forgedSource;
          text = JSON.stringify(json);
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(text);
      })();
    });
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy, '127.0.0.1', 0)}`;
}, 120_000);
afterAll(async () => {
  proxy?.close();
  await peer?.close();
});

/** Version 1 from a real run, validated, with a checksum tag; versions 2 and 3 from nowhere; champion on 3. */
async function seed(): Promise<{ name: string; runId: string }> {
  const name = `verified-${randomUUID().slice(0, 8)}`;
  const rest = (path: string, params: Record<string, unknown>) => mlflowRest(peer.trackingUri, 'POST', path, params);
  const { run } = (await rest('runs/create', { experiment_id: '0' })) as { run: { info: { run_id: string } } };
  await rest('registered-models/create', { name });
  await rest('model-versions/create', {
    name,
    source: `runs:/${run.info.run_id}/model`,
    run_id: run.info.run_id,
    tags: [
      { key: 'validated', value: 'true' },
      { key: 'checksum', value: 'sha256:1111' },
    ],
  });
  await rest('model-versions/create', { name, source: 's3://models/2' });
  await rest('model-versions/create', { name, source: 's3://models/3' });
  await rest('registered-models/alias', { name, alias: 'champion', version: '3' });
  return { name, runId: run.info.run_id };
}

describe('a verified model rollback', () => {
  it('reads back the restored version: its source, its run (known to the tracking server) and its checksum', async () => {
    forgedSource = undefined;
    const { name, runId } = await seed();
    const result = await createMlflowRegistry({ trackingUri: peer.trackingUri }).rollback({ model: name, alias: 'champion', reason: 'tampered 3', incidentId: 'inc-v', dryRun: false });
    expect(result).toMatchObject({ changed: true, afterFrom: 'peer', before: { version: '3' } });
    expect(result.after).toMatchObject({
      version: '1',
      quarantined: true,
      verified: { version: '1', source: `runs:/${runId}/model`, runId, runKnown: true, checksum: { tag: 'checksum', value: 'sha256:1111' } },
    });
  });

  it('a read-back that serves another artifact fails retryable RegistryInconsistent, and the bad version is not yet tagged', async () => {
    const { name } = await seed();
    forgedSource = 's3://attacker/model';
    try {
      const err = await createMlflowRegistry({ trackingUri: proxyUrl })
        .rollback({ model: name, alias: 'champion', reason: 'tampered 3', incidentId: 'inc-w', dryRun: false })
        .then(
          () => undefined,
          (e: unknown) => e as { type?: string; nonRetryable?: boolean; message: string },
        );
      expect(err).toMatchObject({ type: 'RegistryInconsistent', nonRetryable: false });
      expect(err!.message).toContain('source s3://attacker/model, not runs:/');
      expect(await versionTags(peer.trackingUri, name, '3')).not.toHaveProperty('warden.quarantined');
    } finally {
      forgedSource = undefined;
    }
    // Once the registry answers truthfully, the retry finishes the same rollback and verifies it.
    const retried = await createMlflowRegistry({ trackingUri: proxyUrl }).rollback({ model: name, alias: 'champion', reason: 'tampered 3', incidentId: 'inc-w', dryRun: false });
    expect(retried.after).toMatchObject({ version: '1', quarantined: true, verified: { version: '1', runKnown: true } });
  });
});
