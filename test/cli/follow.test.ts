/**
 * `warden incidents show ID --follow` (issue #20, point 9): the timeline as it grows, each entry
 * once, until the incident waits for a person or ends; against the real intake, worker and a
 * dry-run incident on the dev server.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { followIncident, stopReason } from '../../cli/commands/follow.js';
import type { IncidentState } from '../../contracts/incident.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { postAlert, startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';

let client: Client;
let intake: IntakeServer;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
  peers = await startPeers();
}, 60_000);
afterAll(async () => {
  intake?.close();
  await peers?.close();
  await client?.connection.close();
});

describe('warden incidents show --follow', () => {
  it('prints each timeline entry once, in order, and stops when the dry run ends', async () => {
    await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
      const res = await postAlert(intake.url, { type: 'credential.leaked', severity: 'high', title: 'Follow me', source: 'vitest-follow', fingerprint: `follow-${Date.now()}` });
      expect(res.status).toBe(202);
      const { incidentId } = (await res.json()) as { incidentId: string };
      const api = new ApiClient({ baseUrl: intake.url, token: tokens.viewer });
      const out: string[] = [];
      let reads = 0;
      const final = await followIncident(
        () => {
          reads += 1;
          return api.getIncident(incidentId);
        },
        { json: true, intervalMs: 200, write: (t) => out.push(...t.trimEnd().split('\n')) },
      );
      const entries = out.map((l) => JSON.parse(l) as { at?: string; event?: string; stopped?: string });
      const last = entries.pop()!;
      expect(last).toMatchObject({ incidentId, status: final.status, stopped: expect.stringMatching(/^ended: |waits for/) as unknown });
      // Every timeline entry of the final state, once each, in the order they were recorded.
      expect(entries.map((e) => e.event)).toEqual(final.timeline.map((e) => e.event));
      expect(reads).toBeGreaterThan(0);
    });
  }, 90_000);

  it('goes on while the incident runs, and stops where it waits for a person', () => {
    const s = (over: Partial<IncidentState>) => ({ status: 'open', ...over }) as IncidentState;
    expect(stopReason(s({ status: 'open' }))).toBeUndefined();
    expect(stopReason(s({ status: 'contained' }))).toBeUndefined();
    expect(stopReason(s({ status: 'awaiting-approval' }))).toBe('awaiting-approval: waits for a person');
    expect(stopReason(s({ status: 'contained', awaiting: 'resolution' }))).toBe('waits for a person to resolve it');
    expect(stopReason(s({ status: 'closed' }))).toBe('ended: closed');
  });
});
