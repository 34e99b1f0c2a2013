/**
 * GET /v1/approvals never lists a decision about the caller: the principal an incident's alert
 * names does not see its approvals, though their groups would let them vote; a colleague in the
 * same group does. Real stack: the route over the dev server, a worker running the incident.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Person } from '../../contracts/directory.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createRouter } from '../../server/router.js';
import type { PendingApproval } from '../../server/api-responses.js';
import { approvalRoutes } from '../../server/routes/approvals.js';
import { alert, gatedPlaybook, startIncident } from '../helpers/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const token = (id: string) => `approvals-self-${id}-0123456789`;
const who = (id: string, roles: ('viewer' | 'responder')[]) => ({ id, roles, groups: ['security-oncall'], tokens: [{ sha256: sha(token(id)) }] });
const gated = gatedPlaybook();

let client: Client;
let url = '';
/** One task queue for the server and the worker: the server reads only its own queue's workflows. */
const taskQueue = uniqueTaskQueue('approvals-self');
let close = (): void => undefined;
beforeAll(async () => {
  client = await suiteClient();
  const auth = createApiAuth([who('olga', ['responder']), who('otto', ['responder']), who('vera', ['viewer'])]);
  const personOf = async (c: { id: string }): Promise<Person> => ({ id: c.id, name: c.id, email: `${c.id}@example.com`, aws: [] }) as unknown as Person;
  const router = createRouter(approvalRoutes({ client, auth, personOf, taskQueue }), () => undefined);
  const server = createServer((req, res) => void router(req, res));
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  close = () => server.close();
});
afterAll(async () => {
  close();
  await client.connection.close();
});

const pending = async (id: string): Promise<PendingApproval[]> => {
  const res = await fetch(`${url}/v1/approvals`, { headers: { authorization: `Bearer ${token(id)}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { approvals: PendingApproval[] }).approvals;
};

describe('GET /v1/approvals and the person an incident names', () => {
  it('lists the step for a colleague in the group, never for the named person or a viewer', async () => {
    await withWorker({ providers: {} }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, gated, alert({ principal: { user: 'olga' } }));
      const incidentId = handle.workflowId.replace(/^incident-/, '');
      try {
        await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.hold_the_line?.status, { timeout: 30_000 }).toBe('awaiting-approval');
        const about = (list: PendingApproval[]) => list.filter((a) => a.kind === 'incident-step' && a.incidentId === incidentId);
        await expect.poll(async () => about(await pending('otto')), { timeout: 20_000 }).toEqual([expect.objectContaining({ stepId: 'hold_the_line', may: ['approve', 'reject'] })]);
        expect(about(await pending('olga'))).toEqual([]);
        expect(about(await pending('vera'))).toEqual([]);
      } finally {
        await handle.terminate('test over');
      }
    });
  });

  it('answers 401 without a token', async () => {
    expect((await fetch(`${url}/v1/approvals`)).status).toBe(401);
  });
});
