import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import type { ChangeResult } from '../../ports/change.js';
import type { DisengageEndpointInput, EndpointVariant, InferenceEndpoints, RestoreEndpointInput } from '../../ports/endpoints.js';
import { awsCall, awsErrorCode } from '../aws-iam/errors.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

export interface SageMakerOptions {
  readonly region: string;
  /** A SageMaker-compatible endpoint (moto); without it the SDK reads AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL, else AWS. */
  readonly endpoint?: string;
  /** Static credentials; without them the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

type Desired = { readonly name: string; readonly weight?: number; readonly instances?: number };

const sameVariants = (a: readonly EndpointVariant[], b: readonly EndpointVariant[]) => JSON.stringify(a) === JSON.stringify(b);

/** The SageMaker client of these options; it never retries (Temporal does). */
export function sageMakerClient(opts: SageMakerOptions): SageMakerClient {
  return new SageMakerClient({
    region: opts.region,
    maxAttempts: 1,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: { ...opts.credentials } } : {}),
  });
}

/**
 * InferenceEndpoints on SageMaker (DescribeEndpoint, UpdateEndpointWeightsAndCapacities). The
 * client never retries (Temporal does); failures are typed as for IAM (permission sagemaker:<op>).
 * An unknown endpoint or variant is a non-retryable AwsNotFound.
 */
export function createSageMakerEndpoints(opts: SageMakerOptions): InferenceEndpoints {
  const client = sageMakerClient(opts);

  async function read(endpoint: string): Promise<EndpointVariant[]> {
    try {
      const out = await awsCall({ service: 'sagemaker', operation: 'DescribeEndpoint', subject: `SageMaker endpoint ${endpoint}` }, () =>
        client.send(new DescribeEndpointCommand({ EndpointName: endpoint })),
      );
      return (out.ProductionVariants ?? [])
        .map((v) => ({ name: v.VariantName ?? '', weight: v.CurrentWeight ?? v.DesiredWeight ?? 0, instances: v.CurrentInstanceCount ?? v.DesiredInstanceCount ?? 0 }))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      if (awsErrorCode((err as { cause?: unknown }).cause ?? err) === 'ValidationException' || /Could not find endpoint/i.test(String((err as Error).message))) {
        throw failure(FailureKind.AwsNotFound, `SageMaker endpoint ${endpoint} was not found`);
      }
      throw err;
    }
  }

  /** Applies `desired` where it differs from what was read, then reads back. */
  async function change(endpoint: string, before: EndpointVariant[], desired: Desired[], plan: string[], dryRun: boolean): Promise<ChangeResult> {
    const after = before.map((v) => {
      const d = desired.find((x) => x.name === v.name);
      return d ? { name: v.name, weight: d.weight ?? v.weight, instances: d.instances ?? v.instances } : v;
    });
    const output = { endpoint };
    if (sameVariants(after, before))
      return { changed: false, plan: [`SageMaker endpoint ${endpoint} is already so`], before: { endpoint, variants: before }, after: { endpoint, variants: before }, afterFrom: 'peer', output };
    if (dryRun) return { changed: false, plan, before: { endpoint, variants: before }, after: { endpoint, variants: after }, afterFrom: 'plan', output };
    const changes = after.filter((v, i) => !sameVariants([v], [before[i]!])).map((v) => ({ VariantName: v.name, DesiredWeight: v.weight, DesiredInstanceCount: v.instances }));
    await awsCall({ service: 'sagemaker', operation: 'UpdateEndpointWeightsAndCapacities', subject: `SageMaker endpoint ${endpoint}` }, () =>
      client.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: endpoint, DesiredWeightsAndCapacities: changes })),
    );
    const now = await read(endpoint);
    if (!sameVariants(now, after))
      throw failure(FailureKind.AwsUnavailable, `SageMaker endpoint ${endpoint} reads back as ${JSON.stringify(now)} after the update to ${JSON.stringify(after)}; retrying`);
    return { changed: true, plan, before: { endpoint, variants: before }, after: { endpoint, variants: now }, afterFrom: 'peer', output };
  }

  const variantOf = (endpoint: string, variants: readonly EndpointVariant[], name: string): EndpointVariant => {
    const v = variants.find((x) => x.name === name);
    if (!v) throw failure(FailureKind.AwsNotFound, `SageMaker endpoint ${endpoint} has no variant ${name} (variants: ${variants.map((x) => x.name).join(', ') || 'none'})`);
    return v;
  };

  return {
    async disengage(input: DisengageEndpointInput) {
      const before = await read(input.endpoint);
      if (input.mode === 'scale-to-zero') {
        const targets = input.variant ? [variantOf(input.endpoint, before, input.variant)] : before;
        return change(
          input.endpoint,
          before,
          targets.map((v) => ({ name: v.name, instances: 0 })),
          targets.map((v) => `scale variant ${v.name} of SageMaker endpoint ${input.endpoint} from ${v.instances} instances to 0`),
          input.dryRun,
        );
      }
      if (!input.variant) throw failure(FailureKind.InvalidInput, 'shift-traffic needs the variant to take traffic off');
      const v = variantOf(input.endpoint, before, input.variant);
      if (!before.some((x) => x.name !== v.name && x.weight > 0)) {
        throw failure(FailureKind.InvalidInput, `SageMaker endpoint ${input.endpoint} has no other variant with traffic to shift ${v.name}'s to; use mode scale-to-zero`);
      }
      return change(input.endpoint, before, [{ name: v.name, weight: 0 }], [`set the traffic weight of variant ${v.name} of SageMaker endpoint ${input.endpoint} from ${v.weight} to 0`], input.dryRun);
    },
    async restore(input: RestoreEndpointInput) {
      const before = await read(input.endpoint);
      for (const v of input.variants) variantOf(input.endpoint, before, v.name);
      const plan = input.variants.map((v) => `set variant ${v.name} of SageMaker endpoint ${input.endpoint} to weight ${v.weight}, ${v.instances} instances`);
      return change(
        input.endpoint,
        before,
        input.variants.map((v) => ({ ...v })),
        plan,
        input.dryRun,
      );
    },
  };
}
