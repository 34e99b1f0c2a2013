import type { ChangeResult } from './change.js';

/** One production variant of an inference endpoint: its traffic weight and instance count. */
export interface EndpointVariant {
  readonly name: string;
  readonly weight: number;
  readonly instances: number;
}

/**
 * How an endpoint is taken out of service: `scale-to-zero` sets every variant's (or `variant`'s)
 * instance count to 0; `shift-traffic` sets `variant`'s weight to 0, so the other variants take
 * its traffic.
 */
export interface DisengageEndpointInput {
  readonly endpoint: string;
  readonly mode: 'scale-to-zero' | 'shift-traffic';
  readonly variant?: string;
  readonly dryRun: boolean;
}

export interface RestoreEndpointInput {
  readonly endpoint: string;
  /** The variants as they were (a disengagement's `before.variants`). */
  readonly variants: readonly EndpointVariant[];
  readonly dryRun: boolean;
}

/**
 * Model-serving endpoints (SageMaker real-time endpoints first). Like every port that changes a
 * peer: reads first, acts only where the endpoint differs, reads back (`afterFrom: 'peer'`);
 * `before` and `after` are `{ endpoint, variants }`.
 */
export interface InferenceEndpoints {
  disengage(input: DisengageEndpointInput): Promise<ChangeResult>;
  restore(input: RestoreEndpointInput): Promise<ChangeResult>;
}
