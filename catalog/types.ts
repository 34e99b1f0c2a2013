import type { AlertIntake } from '../activities/ports/alert-intake.js';
import type { z } from 'zod';
import type { Chat, CodeHost, EvidenceStore, HttpRequester, Iam, InferenceEndpoints, Mailer, ModelRegistry } from '../activities/ports.js';
import type { Directory } from '../contracts/directory.js';
import type { ObservedState } from '../contracts/incident.js';
import type { ActionKind } from '../engine/playbook-types.js';
import type { TemplateContext } from '../engine/template-escape.js';
import { FailureKind } from '../contracts/failures.js';
import type { ActionRunner, WORKFLOW_ACTIONS, WorkflowActionName } from './workflow-actions.js';

/** The adapters an action may use; a missing one means that provider is not configured. */
export interface ActionDeps {
  readonly chat?: Chat;
  readonly mailer?: Mailer;
  readonly evidence?: EvidenceStore;
  readonly http?: HttpRequester;
  readonly iam?: Iam;
  /** IAM in other accounts (warden.yaml aws.accounts), by the account's id or alias as people's records name it. */
  readonly iamAccounts?: Readonly<Record<string, Iam>>;
  readonly models?: ModelRegistry;
  /** Model-serving endpoints (SageMaker), in the AWS provider's region. */
  readonly endpoints?: InferenceEndpoints;
  readonly code?: CodeHost;
  /** Warden's own alert intake, for alerts Warden raises (the inventory's new findings). */
  readonly intake?: AlertIntake;
}

export interface ActionContext {
  readonly incidentId: string;
  readonly stepId: string;
  /** Stable across retries and reruns of the same step: the key for idempotent side effects. */
  readonly idempotencyKey: string;
  readonly deps: ActionDeps;
  /** The incident's record, for evidence actions. */
  readonly incident?: unknown;
  /** The directory (warden.yaml people), where an action resolves a person to an address. */
  readonly directory?: Directory;
}

export interface ActionOutcome {
  /** changed: it acted. already: the world was already so. planned: dry run, nothing changed. */
  readonly status: 'changed' | 'already' | 'planned';
  /** Exactly what would change, or what did. */
  readonly plan: readonly string[];
  readonly output: Readonly<Record<string, unknown>>;
  /** What the provider read at the peer before and after the change (actions that change a peer). */
  readonly observed?: ObservedState;
}

/**
 * One catalog entry. Adding an action is one file in catalog/actions/ and one line in
 * catalog/index.ts. `execute` receives params already validated against `params`.
 */
export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  readonly kind: ActionKind;
  /** How the incident workflow runs it; absent: in an activity of its kind. See {@link ActionRunning}. */
  readonly runner?: ActionRunner;
  readonly destructive: boolean;
  readonly params: S;
  /**
   * How template values are escaped in each top-level parameter (engine/template-escape.ts);
   * absent: as they are (SDK calls encode their own arguments). `trusted` fields may not read
   * alert or step data at all: who is told is the configuration's choice, never the alert's.
   */
  readonly templates?: Readonly<Record<string, TemplateContext>>;
  /** The default undo: an action and parameters templated over `self.params` and `self.output`. */
  readonly undo?: { readonly action: string; readonly with: Readonly<Record<string, unknown>> };
  /** What the action would change, from its parameters alone (used when current state cannot be read). */
  readonly describe: (params: z.infer<S>) => string[];
  /** Runs the action, or with dryRun only works out its plan. Absent for actions the workflow runs itself. */
  readonly run?: (params: z.infer<S>, ctx: ActionContext, dryRun: boolean) => Promise<ActionOutcome>;
}

/**
 * How the incident workflow runs an action: an activity of its kind, or, for kind `workflow`, the
 * runner catalog/workflow-actions.ts names for it (in the workflow itself or as a child workflow),
 * of which the workflow keeps one per action (workflows/incident/in-workflow-actions.ts).
 */
export type ActionRunning =
  | { readonly kind: Exclude<ActionKind, 'workflow'>; readonly runner?: 'activity' }
  | { readonly [N in WorkflowActionName]: { readonly name: N; readonly kind: 'workflow'; readonly runner: (typeof WORKFLOW_ACTIONS)[N] } }[WorkflowActionName];

export function defineAction<S extends z.ZodType>(def: ActionDefinition<S> & ActionRunning): ActionDefinition<S> {
  return def;
}

/** The provider each dependency is, as people name it ("aws not configured"). */
const PROVIDER_OF: Record<keyof ActionDeps, string> = {
  chat: 'slack',
  mailer: 'email',
  evidence: 'evidence',
  http: 'http',
  iam: 'aws',
  iamAccounts: 'aws',
  models: 'mlflow',
  endpoints: 'aws',
  code: 'github',
  intake: 'intake',
};

export class ProviderNotConfigured extends Error {
  override name = FailureKind.ProviderNotConfigured;
  constructor(
    message: string,
    /** The provider, as people name it: aws, github, mlflow, slack, email, evidence, http. */
    readonly provider: string,
  ) {
    super(message);
  }
}

export function requireDep<K extends keyof ActionDeps>(deps: ActionDeps, key: K, how: string): NonNullable<ActionDeps[K]> {
  const dep = deps[key];
  if (!dep) throw new ProviderNotConfigured(`${String(key)} is not configured: ${how}`, PROVIDER_OF[key]);
  return dep;
}
