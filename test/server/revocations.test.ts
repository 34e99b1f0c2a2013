/**
 * Who an offboarding has cut off, read from Temporal (the memo each offboarding sets): an API
 * identity by its id or its email, and a console single-sign-on session, which acts as a directory
 * person who is in no identity list.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARDEN_ACCESS_REVOKED_MEMO, type WardenAccessRevoked } from '../../contracts/offboarding.js';
import type { IdentityConfig } from '../../config/file-config.js';
import { watchRevocations } from '../../server/auth/revocations.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';

let client: Client;
let handle: WorkflowHandle | undefined;
const tag = uniqueTaskQueue('revoked').replace(/[^A-Za-z0-9-]/g, '-');
const leaver = `leaver-${tag}`;
const identity = (id: string, email?: string): IdentityConfig => ({ id, roles: ['responder'], groups: [], tokens: [], ...(email ? { email } : {}) });

beforeAll(async () => {
  client = await suiteClient();
  // An offboarding as the revocation watch sees it: its type and its memo. No worker runs it.
  const memo: WardenAccessRevoked = { person: leaver, email: `${leaver}@example.com`, at: new Date().toISOString() };
  handle = await client.workflow.start('offboardingWorkflow', { taskQueue: tag, workflowId: `offboard-${tag}`, args: [], memo: { [WARDEN_ACCESS_REVOKED_MEMO]: memo } });
});
afterAll(async () => {
  await handle?.terminate('test done').catch(() => undefined);
  await client?.connection.close();
});

describe('revocations read from the offboardings on Temporal', () => {
  it('cut off the leaver: an identity with their id or email, and a console session acting as them; nobody else', async () => {
    const identities = [identity('api-bot', `${leaver.toUpperCase()}@EXAMPLE.COM`), identity('ops-bot', 'ops@example.com')];
    const watch = watchRevocations(client, identities, 60_000);
    try {
      await expect.poll(async () => (await watch.refresh(), watch.revokedBy(leaver)), { timeout: 20_000, interval: 250 }).toBe(leaver);
      expect(watch.revokedBy('api-bot')).toBe(leaver); // same email, another case
      expect(watch.revokedBy('ops-bot')).toBeUndefined();
      expect(watch.revokedBy(`someone-else-${tag}`)).toBeUndefined(); // a session of a person no offboarding names
    } finally {
      watch.stop();
    }
  });
});
