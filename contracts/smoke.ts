/** The smoke workflow's contract: a trivial run end to end (`warden smoke`, the durability tests). */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface SmokeInput {
  /** Echoed back through an activity, end to end. */
  readonly message: string;
  /** Wait for `smokeRelease` before finishing (used to prove durability across restarts). */
  readonly holdForRelease?: boolean;
  /** Sleep on a durable timer before finishing. */
  readonly sleepMs?: number;
}

export interface SmokeResult {
  readonly message: string;
  readonly echoedBy: string;
  readonly workflowId: string;
  readonly released: boolean;
  readonly sleptMs: number;
}

export type SmokeStage = 'echoing' | 'sleeping' | 'holding' | 'done';

export const smokeRelease = defineSignal('smoke.release');
export const smokeStage = defineQuery<SmokeStage>('smoke.stage');

/** Workflow id prefix for smoke runs. */
export const SMOKE_WORKFLOW_PREFIX = 'smoke-';
