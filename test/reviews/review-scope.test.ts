/**
 * Asking for an access review over a system that is not configured is an error that names what
 * to configure (issue #20, point 11): never a campaign that silently drops GitHub, or one over
 * nothing. Through the server as `warden start` builds it, with neither AWS nor GitHub configured.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWardenServer, workflowsOn, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';

let client: Client;
let warden: WardenServer;
const token = 'tok-review-scope-responder-0123456789';
const taskQueue = uniqueTaskQueue('review-scope');

beforeAll(async () => {
  client = await suiteClient();
  const dir = mkdtempSync(join(tmpdir(), 'warden-review-scope-'));
  const env = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml') };
  writeFileSync(env.WARDEN_CONFIG, `identities:\n  - { id: olga, roles: [responder], tokens: [{ sha256: ${createHash('sha256').update(token).digest('hex')} }] }\n`);
  warden = await startWardenServer(client, taskQueue, env);
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

const start = (body: unknown) => fetch(`${warden.url}/v1/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('a review over an unconfigured system', () => {
  it('is refused with 400 naming the scope and what to set, and starts nothing', async () => {
    const github = await start({ scope: ['aws', 'github'], dry_run: true });
    expect(github.status).toBe(400);
    const { details } = (await github.json()) as { details: { path: string; message: string }[] };
    expect(details.map((d) => d.path)).toEqual(['scope', 'scope']);
    expect(details[0]!.message).toMatch(/^aws is not configured: .*AWS_ACCESS_KEY_ID/);
    expect(details[1]!.message).toMatch(/^github is not configured: set WARDEN_GITHUB_ORG and GITHUB_TOKEN/);

    const nothing = await start({ dry_run: true });
    expect(nothing.status).toBe(400);
    expect(((await nothing.json()) as { details: { message: string }[] }).details[0]!.message).toContain('no review system is configured');
    expect(await workflowsOn(client, taskQueue)).toEqual([]);
  });
});
