/**
 * The resolved playbook as the incident workflow receives it: validated, templates parsed,
 * catalog facts (where an action runs, whether it is destructive, its undo) filled in.
 * Plain data only: this crosses into the workflow sandbox and into histories.
 */
import type { Expr } from './expression.js';
import type { Template } from './template.js';
import type { TemplateContext } from './template-escape.js';

export const PHASES = ['detect', 'contain', 'eradicate', 'recover', 'lessons'] as const;
export type Phase = (typeof PHASES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How an action is executed: which activity proxy (timeouts, retries) or in the workflow itself. */
export type ActionKind = 'notify' | 'change' | 'evidence' | 'http' | 'read' | 'workflow';

export interface RetryOverride {
  readonly maxAttempts?: number;
  readonly initialInterval?: string;
  readonly maxInterval?: string;
  readonly backoff?: number;
}

export interface ApprovalSpec {
  /** Groups whose members may approve. */
  readonly groups: readonly string[];
  readonly quorum: number;
  /** Duration string, e.g. "30m", "4h". */
  readonly timeout: string;
  /** Offsets before the deadline at which reminders go out, e.g. ["15m", "5m"]. */
  readonly reminders: readonly string[];
  /** Groups asked next, in order, when onTimeout is escalate. */
  readonly escalation: readonly string[];
  readonly onTimeout: 'reject' | 'approve' | 'escalate';
  readonly fourEyes: boolean;
  /** Groups that must each approve through a different person, besides the quorum. */
  readonly allOf?: readonly string[];
}

export interface ResolvedUndo {
  readonly action: string;
  readonly kind: ActionKind;
  /** Parameters, each string a parsed template over the context plus `self` (the step's params and output). */
  readonly with: ParsedValue;
  /** Who approves this undo in a person's cancel with rollback (default: the step's approval, else the owners). */
  readonly approval?: ApprovalSpec;
}

/** JSON data where every string that held `{{ }}` is replaced by its parsed template. */
export type ParsedValue =
  | { readonly t: 'lit'; readonly v: unknown }
  | { readonly t: 'tpl'; readonly v: Template; readonly e?: TemplateContext }
  | { readonly t: 'arr'; readonly v: readonly ParsedValue[] }
  | { readonly t: 'obj'; readonly v: Readonly<Record<string, ParsedValue>> };

export interface ResolvedStep {
  readonly id: string;
  readonly action: string;
  readonly kind: ActionKind;
  readonly destructive: boolean;
  readonly title: string;
  readonly with: ParsedValue;
  readonly when?: Expr;
  readonly whenSource?: string;
  readonly approval?: ApprovalSpec;
  readonly retry?: RetryOverride;
  readonly timeout?: string;
  readonly onFailure: 'abort' | 'continue' | 'compensate';
  readonly undo?: ResolvedUndo;
}

/** A node of a phase: one step, or a group of steps run concurrently. */
export type PhaseNode = { readonly step: ResolvedStep } | { readonly parallel: readonly ResolvedStep[]; readonly id: string };

export interface Trigger {
  readonly types: readonly string[];
  readonly minSeverity: Severity;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ResolvedPlaybook {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly owners: readonly string[];
  readonly triggers: readonly Trigger[];
  /** Where failures and approval requests are announced. */
  readonly notify: { readonly slackChannel?: string; readonly email?: readonly string[] };
  readonly phases: Readonly<Record<Phase, readonly PhaseNode[]>>;
  /** Resolve without a person once every phase is complete; allowed for info severity only. */
  readonly autoResolve?: boolean;
}

/** The steps of one phase node: the step, or every step of a parallel group. */
export function stepsOf(node: PhaseNode): readonly ResolvedStep[] {
  return 'step' in node ? [node.step] : node.parallel;
}

export function allSteps(playbook: ResolvedPlaybook): ResolvedStep[] {
  return PHASES.flatMap((phase) => playbook.phases[phase].flatMap(stepsOf));
}
