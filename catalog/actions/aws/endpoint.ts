import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';

const HOW = 'configure AWS credentials (the default credential chain) and AWS_ENDPOINT_URL_SAGEMAKER if not AWS';
const endpoint = z.string().min(1).max(63);
const variantName = z.string().min(1).max(63);

/**
 * Takes a SageMaker endpoint's model out of service (NIST AI RMF MANAGE 2.4): scales its variants
 * (or one) to zero instances, or shifts a variant's traffic to the others (weight 0). Read back at
 * SageMaker. The undo restores every variant's weight and instance count as read before.
 */
export const awsDisengageEndpoint = defineAction({
  name: 'aws.disengageEndpoint',
  title: 'Disengage SageMaker endpoint',
  kind: 'change',
  destructive: true,
  params: z
    .strictObject({ endpoint, mode: z.enum(['scale-to-zero', 'shift-traffic']).default('scale-to-zero'), variant: variantName.optional() })
    .refine((p) => p.mode !== 'shift-traffic' || p.variant !== undefined, { message: 'shift-traffic needs the variant to take traffic off', path: ['variant'] }),
  describe: (p) => [
    p.mode === 'shift-traffic'
      ? `set the traffic weight of variant ${p.variant ?? '?'} of SageMaker endpoint ${p.endpoint} to 0`
      : `scale ${p.variant ? `variant ${p.variant}` : 'every variant'} of SageMaker endpoint ${p.endpoint} to 0 instances`,
  ],
  undo: { action: 'aws.restoreEndpoint', with: { endpoint: '{{ self.params.endpoint }}', variants: '{{ self.output.before.variants }}' } },
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'endpoints', HOW).disengage({ endpoint: p.endpoint, mode: p.mode, ...(p.variant ? { variant: p.variant } : {}), dryRun }), dryRun);
  },
});

/** Sets a SageMaker endpoint's variants back to the weights and instance counts given (the undo of aws.disengageEndpoint). */
export const awsRestoreEndpoint = defineAction({
  name: 'aws.restoreEndpoint',
  title: 'Restore SageMaker endpoint',
  kind: 'change',
  destructive: false,
  params: z.strictObject({ endpoint, variants: z.array(z.strictObject({ name: variantName, weight: z.number().min(0), instances: z.number().int().min(0) })).min(1) }),
  describe: (p) => p.variants.map((v) => `set variant ${v.name} of SageMaker endpoint ${p.endpoint} to weight ${v.weight}, ${v.instances} instances`),
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'endpoints', HOW).restore({ ...p, dryRun }), dryRun);
  },
});
