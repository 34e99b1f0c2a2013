import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import { findAction } from '../../catalog/index.js';
import { offboardingWorkflowId } from '../../contracts/offboarding.js';
import { alert, HEADER, playbook, startIncident, resolveAndClose } from '../helpers/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { MANAGER, offboardingDeps, seedDeparting, waitForState, startWorld, type OffboardingWorld } from './fixture.js';

// Runs once identity.offboard is in the catalog and the incident workflow starts the child for it.
describe.skipIf(!findAction('identity.offboard'))('identity.offboard in a playbook', () => {
  let w: OffboardingWorld;
  let client: Client;
  beforeAll(async () => {
    [w, client] = await Promise.all([startWorld(), suiteClient()]);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await client?.connection.close();
  });

  it('starts the offboarding as a child that outlives the incident; a second incident joins it', async () => {
    const d = await seedDeparting(w);
    const pb = playbook(`${HEADER}
phases:
  contain:
    - id: offboard
      action: identity.offboard
      with: { person: "{{ alert.principal.user }}", reason: "insider exfiltration" }
`);
    const taskQueue = uniqueTaskQueue('offboard-child');
    const directory = createConfigDirectory([MANAGER, d.person]);
    await withWorker(offboardingDeps(w.deps, directory), { taskQueue }, async () => {
      const first = await resolveAndClose(await startIncident(client, taskQueue, pb, alert({ principal: { user: d.person.id } })));
      expect(first.steps.offboard).toMatchObject({ status: 'applied', outcome: 'changed', output: { workflowId: offboardingWorkflowId(d.person.id), started: true, joined: false } });
      const offboarding = client.workflow.getHandle(offboardingWorkflowId(d.person.id));
      const state = await waitForState(offboarding, (s) => s.phase === 'retention');
      expect(state).toMatchObject({
        requestedBy: `incident:${first.incidentId}`,
        reason: 'insider exfiltration',
        notify: { email: ['owners@example.com', MANAGER.email], slackChannel: '#sec-incidents' },
      });
      const second = await resolveAndClose(await startIncident(client, taskQueue, pb, alert({ principal: { user: d.person.id } })));
      expect(second.steps.offboard).toMatchObject({ status: 'already_so', outcome: 'already', output: { joined: true } });
      await offboarding.terminate('test done');
    });
  });
});
