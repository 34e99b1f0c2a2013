/**
 * aws.disengageEndpoint and its undo (issue #19, point 6) against moto's SageMaker, through the
 * real AWS SDK: scale to zero, or shift a variant's traffic to the others; read back; restored.
 */
import { randomUUID } from 'node:crypto';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSageMakerEndpoints } from '../../activities/providers/sagemaker/sagemaker-endpoints.js';
import type { InferenceEndpoints } from '../../activities/ports/endpoints.js';
import { findAction } from '../../catalog/index.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';

let moto: MotoPeer;
let sm: SageMakerClient;
let endpoints: InferenceEndpoints;
const REGION = 'us-east-1';

beforeAll(async () => {
  moto = await startMoto();
  sm = new SageMakerClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  endpoints = createSageMakerEndpoints({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
}, 60_000);
afterAll(async () => {
  sm?.destroy();
  await moto?.stop();
});

/** An endpoint serving two variants: champion (weight 3, 2 instances) and shadow (weight 1, 1 instance). */
async function seedEndpoint(): Promise<string> {
  const name = `fraud-${randomUUID().slice(0, 8)}`;
  const role = 'arn:aws:iam::123456789012:role/sagemaker';
  for (const m of ['champion', 'shadow'])
    await sm.send(new CreateModelCommand({ ModelName: `${name}-${m}`, ExecutionRoleArn: role, PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:1' } }));
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${name}-config`,
      ProductionVariants: [
        { VariantName: 'champion', ModelName: `${name}-champion`, InitialInstanceCount: 2, InstanceType: 'ml.m5.large', InitialVariantWeight: 3 },
        { VariantName: 'shadow', ModelName: `${name}-shadow`, InitialInstanceCount: 1, InstanceType: 'ml.m5.large', InitialVariantWeight: 1 },
      ],
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
  return name;
}

const variantsAtMoto = async (name: string) =>
  ((await sm.send(new DescribeEndpointCommand({ EndpointName: name }))).ProductionVariants ?? [])
    .map((v) => ({ name: v.VariantName, weight: v.CurrentWeight, instances: v.CurrentInstanceCount }))
    .sort((a, b) => a.name!.localeCompare(b.name!));

describe('SageMaker endpoints on moto', () => {
  it('scales every variant to zero, read back; a dry run changes nothing; a rerun is nothing to do; the undo restores what was read before', async () => {
    const name = await seedEndpoint();
    const seeded = await variantsAtMoto(name);
    expect(seeded).toEqual([
      { name: 'champion', weight: 3, instances: 2 },
      { name: 'shadow', weight: 1, instances: 1 },
    ]);
    const dry = await endpoints.disengage({ endpoint: name, mode: 'scale-to-zero', dryRun: true });
    expect(dry).toMatchObject({ changed: false, afterFrom: 'plan' });
    expect(await variantsAtMoto(name)).toEqual(seeded);

    const action = findAction('aws.disengageEndpoint')!;
    const ctx = { incidentId: 'inc-e1', stepId: 'disengage', idempotencyKey: 'inc-e1:disengage', deps: { endpoints } };
    const out = await action.run!(action.params.parse({ endpoint: name }), ctx, false);
    expect(out.status).toBe('changed');
    expect(out.observed).toEqual({ before: { endpoint: name, variants: seeded }, after: { endpoint: name, variants: seeded.map((v) => ({ ...v, instances: 0 })) } });
    expect((await variantsAtMoto(name)).map((v) => v.instances)).toEqual([0, 0]);
    expect((await action.run!(action.params.parse({ endpoint: name }), ctx, false)).status).toBe('already');

    // The undo, with the parameters its template gives: every variant back as it was read before.
    expect(action.undo).toEqual({ action: 'aws.restoreEndpoint', with: { endpoint: '{{ self.params.endpoint }}', variants: '{{ self.output.before.variants }}' } });
    const restore = findAction('aws.restoreEndpoint')!;
    const before = (out.output.before as { variants: unknown }).variants;
    expect((await restore.run!(restore.params.parse({ endpoint: name, variants: before }), ctx, false)).status).toBe('changed');
    expect(await variantsAtMoto(name)).toEqual(seeded);
  });

  it('shifts one variant’s traffic to the others, and refuses what cannot be done, naming it', async () => {
    const name = await seedEndpoint();
    const out = await endpoints.disengage({ endpoint: name, mode: 'shift-traffic', variant: 'champion', dryRun: false });
    expect(out).toMatchObject({ changed: true, afterFrom: 'peer' });
    expect(await variantsAtMoto(name)).toEqual([
      { name: 'champion', weight: 0, instances: 2 },
      { name: 'shadow', weight: 1, instances: 1 },
    ]);
    // Shifting the last variant with traffic would leave nothing serving: that is scale-to-zero, said so.
    await expect(endpoints.disengage({ endpoint: name, mode: 'shift-traffic', variant: 'shadow', dryRun: false })).rejects.toThrow(/no other variant with traffic/);
    await expect(endpoints.disengage({ endpoint: name, mode: 'scale-to-zero', variant: 'nope', dryRun: false })).rejects.toThrow(/has no variant nope/);
    await expect(endpoints.disengage({ endpoint: `${name}-gone`, mode: 'scale-to-zero', dryRun: false })).rejects.toMatchObject({ type: 'AwsNotFound' });
  });
});
