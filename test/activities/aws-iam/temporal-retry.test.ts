import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../../activities/providers/aws-iam/aws-iam.js';
import { alert, HEADER, playbook, startIncident, resolveAndClose } from '../../helpers/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { MOTO_CREDENTIALS, motoClient, motoSeedRandom, seedUser, startMoto, type MotoPeer } from '../../peers/moto.js';
import { snapshot } from './harness.js';

const SEED = 77;
const ONLY_A_KEY = { accessKeys: 1, loginProfile: false, mfa: false, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0 };

/** The same user and key every time: moto's ids come from its seeded random generator. */
async function seed(endpoint: string): Promise<string> {
  const admin = motoClient(endpoint);
  await motoSeedRandom(endpoint, SEED);
  const seeded = await seedUser(admin, 'dana', ONLY_A_KEY);
  admin.destroy();
  return seeded.accessKeys[0]?.accessKeyId ?? '';
}

describe('aws.disableAccessKey through the real activity, while AWS is down', () => {
  let moto: MotoPeer;
  let client: Client;
  beforeAll(async () => {
    moto = await startMoto();
    client = await suiteClient();
  });
  afterAll(async () => {
    await client.connection.close();
    await moto.stop();
  });

  it('is retried by Temporal and completes once the peer is back', async () => {
    const accessKeyId = await seed(moto.endpoint);
    const iam = createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const taskQueue = uniqueTaskQueue('aws-retry');
    const pb = playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      retry: { initialInterval: 1s, backoff: 1 }
      with: { userName: dana, accessKeyId: ${accessKeyId} }
`);
    await moto.stop();
    await withWorker({ providers: { iam } }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, pb, alert());
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await moto.restart(async (endpoint) => {
        expect(await seed(endpoint)).toBe(accessKeyId);
      });
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.steps.disable_key).toMatchObject({ status: 'applied', outcome: 'changed', plan: [`set access key ${accessKeyId} of IAM user dana from Active to Inactive`] });

      const history = await handle.fetchHistory();
      const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0) ?? [];
      expect(Math.max(...started)).toBeGreaterThanOrEqual(3);
    });
    const admin = motoClient(moto.endpoint);
    expect((await snapshot(admin, 'dana')).keys).toEqual({ [accessKeyId]: 'Inactive' });
    admin.destroy();
  });
});
