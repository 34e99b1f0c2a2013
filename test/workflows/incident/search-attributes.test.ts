import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { alert, HEADER, playbook, resolveAndClose, startIncident, startPeers, type Peers } from '../../helpers/incident.js';

/**
 * #18 P1: an incident upserts a search attribute only when its value changes (behind
 * `publish-changed-only`): every phase used to re-send all four, even when nothing changed.
 */
let client: Client;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
  await client.connection.close();
});

const decode = (p: temporal.api.common.v1.IPayload): unknown => JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));

describe('incident search attributes', () => {
  it('each upsert carries only attributes whose value changed; visibility ends with the final values', async () => {
    const taskQueue = uniqueTaskQueue('sa-changed');
    peers.http.route('POST /a', { status: 200, body: {} });
    const book = playbook(`${HEADER}
phases:
  detect:
    - { id: look, action: http.request, with: { url: "${peers.http.url}/a" } }
  contain:
    - { id: block, action: http.request, with: { url: "${peers.http.url}/a" } }
  recover:
    - { id: tell, action: http.request, with: { url: "${peers.http.url}/a" } }
`);
    const { handle, final } = await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const h = await startIncident(client, taskQueue, book, alert());
      return { handle: h, final: await resolveAndClose(h) };
    });
    expect(final.phase).toBe('done');

    const history = await handle.fetchHistory();
    // The Warden attributes of each upsert (the SDK upserts TemporalChangeVersion with each patch: not ours).
    const upserts = (history.events ?? [])
      .flatMap((e) => (e.upsertWorkflowSearchAttributesEventAttributes ? [e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {}] : []))
      .map((fields) => Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith('Warden'))))
      .filter((fields) => Object.keys(fields).length > 0);
    expect(upserts.length).toBeGreaterThan(1);
    const held: Record<string, unknown> = {};
    const phases: unknown[] = [];
    for (const fields of upserts) {
      for (const [key, payload] of Object.entries(fields)) {
        const value = decode(payload);
        expect({ key, value }).not.toEqual({ key, value: held[key] }); // never re-sent unchanged
        held[key] = value;
        if (key === 'WardenPhase') phases.push(value);
      }
    }
    expect(held).toEqual({ WardenStatus: final.status, WardenSeverity: final.severity, WardenPlaybook: 'test-playbook', WardenPhase: 'done' });
    expect(phases).toContain('contain');
    const visible = (await handle.describe()).searchAttributes;
    expect(visible).toMatchObject({ WardenStatus: [final.status], WardenPhase: ['done'], WardenPlaybook: ['test-playbook'] });
  });
});
