import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import type { IncidentState } from '../../../contracts/incident.js';
import { alert, HEADER, playbook, startIncident, startPeers, type Peers, resolveAndClose } from '../../helpers/incident.js';

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

describe('incident workflow: templating, when, parallel', () => {
  it('renders alert fields and earlier step outputs, and skips a step whose condition is false', async () => {
    const taskQueue = uniqueTaskQueue('tpl');
    peers.http.route('POST /tickets', { status: 201, body: { id: 'TCK-42' } });
    const pb = playbook(`${HEADER}
phases:
  detect:
    - id: open_ticket
      action: http.request
      with:
        url: "${peers.http.url}/tickets"
        json: { user: "{{ alert.principal.user }}", title: "{{ alert.title | upper }}", count: "{{ incident.alertCount }}" }
  contain:
    - id: only_when_critical
      action: notify.slack
      when: alert.severity == 'critical'
      with: { channel: "#sec-incidents", text: "critical!" }
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "ticket {{ steps.open_ticket.output.body.id }} for {{ alert.principal.user | default('nobody') }}" }
`);
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, pb, alert({ severity: 'high', title: 'key leak', principal: { user: 'dana' } }));
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.steps.only_when_critical!.status).toBe('skipped');
      expect(final.steps.open_ticket).toMatchObject({ status: 'applied', outcome: 'changed' });
    });
    const ticket = peers.http.requests.find((r) => r.path === '/tickets');
    expect(ticket?.body).toEqual({ user: 'dana', title: 'KEY LEAK', count: 1 });
    expect(peers.slack.messages.map((m) => m.text)).toContain('ticket TCK-42 for dana');
    expect(peers.slack.messages.map((m) => m.text)).not.toContain('critical!');
  });

  it('runs a parallel group concurrently', async () => {
    const taskQueue = uniqueTaskQueue('parallel');
    let release!: () => void;
    const bothArrived = new Promise<void>((r) => (release = r));
    const arrived = new Set<string>();
    const hold = (name: string) => () => {
      arrived.add(name);
      if (arrived.size === 2) release();
      // Neither answers until both requests are in flight: sequential execution would time out.
      return { status: 200, body: { name }, hold: bothArrived };
    };
    peers.http.route('POST /left', hold('left'));
    peers.http.route('POST /right', hold('right'));
    const pb = playbook(`${HEADER}
phases:
  contain:
    - parallel:
        - id: left
          action: http.request
          timeout: 20s
          with: { url: "${peers.http.url}/left", timeout: 15000 }
        - id: right
          action: http.request
          timeout: 20s
          with: { url: "${peers.http.url}/right", timeout: 15000 }
`);
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, pb, alert()));
      expect(final.steps.left!.status).toBe('applied');
      expect(final.steps.right!.status).toBe('applied');
      expect(final.times.containedAt).toBeDefined();
    });
  });
});

describe('incident workflow: failures', () => {
  const failingPlaybook = (onFailure: string, url: string) =>
    playbook(`${HEADER}
phases:
  contain:
    - id: block_a
      action: http.request
      with: { url: "${url}/block/a" }
      undo: { action: http.request, with: { method: DELETE, url: "${url}/block/a" } }
    - id: block_b
      action: http.request
      with: { url: "${url}/block/b" }
      undo: { action: http.request, with: { method: DELETE, url: "${url}/block/b" } }
    - id: broken
      action: http.request
      retry: { maxAttempts: 1 }
      onFailure: ${onFailure}
      with: { url: "${url}/broken" }
  eradicate:
    - id: after
      action: http.request
      with: { url: "${url}/after" }
`);

  it('compensate: a failure runs the undo of every completed step, most recent first, and tells the owners', async () => {
    let final0!: IncidentState;
    const taskQueue = uniqueTaskQueue('compensate');
    peers.http.route('POST /broken', { status: 400, body: { error: 'bad request' } });
    const before = peers.http.requests.length;
    const mailsBefore = peers.smtp.messages.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, failingPlaybook('compensate', peers.http.url), alert()));
      final0 = final;
      expect(final.status).toBe('failed');
      expect(final.failure).toMatchObject({ stepId: 'broken' });
      expect(final.steps.broken!.error!.message).toMatch(/answered 400/);
      expect(final.steps.block_a!.undo).toMatchObject({ status: 'succeeded', action: 'http.request' });
      expect(final.steps.after!.status).toBe('pending');
    });
    const calls = peers.http.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['POST /block/a', 'POST /block/b', 'POST /broken', 'DELETE /block/b', 'DELETE /block/a']);
    expect(peers.slack.messages.some((m) => m.channel === 'C0SEC' && /broken.*failed: POST 127\.0\.0\.1:\d+ answered 400/.test(m.text))).toBe(true);
    await expect.poll(() => peers.smtp.messages.length - mailsBefore).toBeGreaterThanOrEqual(1);
    const mails = peers.smtp.messages.slice(mailsBefore);
    expect(mails.some((m) => /failed/.test(m.text ?? ''))).toBe(true);
    // The HTML alternative arrives too, with the incident id, escaped.
    expect(mails.some((m) => typeof m.html === 'string' && m.html.includes('<p>') && m.html.includes(final0.incidentId))).toBe(true);
  });

  it('abort: stops at the failed step without undoing anything', async () => {
    const taskQueue = uniqueTaskQueue('abort');
    const before = peers.http.requests.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, failingPlaybook('abort', peers.http.url), alert()));
      expect(final.status).toBe('failed');
      expect(final.steps.block_a!.undo).toBeUndefined();
    });
    expect(peers.http.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /block/a', 'POST /block/b', 'POST /broken']);
  });

  it('continue: records the failure and goes on to the next phase', async () => {
    const taskQueue = uniqueTaskQueue('continue');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, failingPlaybook('continue', peers.http.url), alert()));
      expect(final.status).toBe('closed');
      expect(final.steps.broken!.status).toBe('failed');
      expect(final.steps.after!.status).toBe('applied');
    });
  });
});
