import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRouteOf } from '../../cli/alert-senders.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';

/**
 * Every file in examples/alerts/ is sent as README's quick start says, `warden alert send FILE`,
 * to the HTTP server as `warden start` builds it (its own generated credentials in its state
 * dir), and each must be accepted with an incident recorded at Temporal. No worker polls the
 * task queue: what is checked is that the intake took it, not what the playbook then did.
 */
const DIR = fileURLToPath(new URL('../../examples/alerts/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

interface Accepted {
  incidentId: string;
  workflowId: string;
  playbook: string;
}

describe('examples/alerts: each works as written', () => {
  let client: Client;
  let server: WardenServer;
  const taskQueue = uniqueTaskQueue('examples');

  beforeAll(async () => {
    assertBuilt();
    client = await suiteClient();
    server = await startWardenServer(client, taskQueue);
  });
  afterAll(async () => {
    server.close();
    await client.connection.close();
  });

  it('ships the four senders: generic, Alertmanager, GuardDuty, GitHub secret scanning', () => {
    const senders = new Set(files.map((f) => alertRouteOf(JSON.parse(readFileSync(join(DIR, f), 'utf8'))).sender));
    expect([...senders].sort()).toEqual(['alertmanager', 'github', 'guardduty', 'webhook']);
  });

  it.each(files)('warden alert send examples/alerts/%s: 2xx and an incident at Temporal', async (file) => {
    const env = cleanEnv({ WARDEN_URL: server.url, WARDEN_STATE_DIR: server.stateDir });
    const run = await spawnCli(['alert', 'send', join(DIR, file), '--json'], env).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as Accepted | { accepted: Accepted[]; skipped: unknown[] };
    const accepted = 'accepted' in answer ? answer.accepted : [answer];
    expect(accepted.length, run.stdout).toBeGreaterThan(0);
    for (const a of accepted) {
      const described = await client.workflow.getHandle(a.workflowId).describe();
      expect(described.taskQueue).toBe(taskQueue);
      expect(described.type).toBe('incidentWorkflow');
    }
    // Without --json, the same file (joining that incident) prints the incident and its playbook.
    const plain = await spawnCli(['alert', 'send', join(DIR, file)], env).done;
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain(`incident ${accepted[0]!.incidentId} (${accepted[0]!.playbook})`);
  });

  it('the generic example opens the leaked-credential playbook for dana-ml and its key', async () => {
    const env = cleanEnv({ WARDEN_URL: server.url, WARDEN_STATE_DIR: server.stateDir });
    const run = await spawnCli(['alert', 'send', join(DIR, 'leaked-key.json'), '--json'], env).done;
    expect(JSON.parse(run.stdout)).toMatchObject({ playbook: 'leaked-credential' });
  });
});
