import type { z } from 'zod';
import { findAction, ACTION_NAMES } from '../catalog/index.js';
import type { ActionDefinition } from '../catalog/types.js';
import { referencedPaths, type Expr } from '../engine/expression.js';
import { parseValue } from '../engine/parsed-value.js';
import { PHASES, type PhaseNode, type ResolvedPlaybook, type ResolvedStep, type ResolvedUndo } from '../engine/playbook-types.js';
import { parseCondition, parseTemplate, referencedPathsInTemplate, templatesIn } from '../engine/template.js';
import { playbookSchema, type NodeFile, type PlaybookFile, type StepFile } from './schema.js';

/** One problem, located by its path in the playbook document. */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const ROOTS = new Set(['alert', 'incident', 'steps']);

interface StepPlace {
  readonly step: StepFile;
  readonly path: (string | number)[];
  /** Order of the node in the whole playbook; steps in one parallel group share it. */
  readonly order: number;
}

function places(file: PlaybookFile): StepPlace[] {
  const out: StepPlace[] = [];
  let order = 0;
  for (const phase of PHASES) {
    file.phases[phase].forEach((node: NodeFile, i: number) => {
      order += 1;
      if ('parallel' in node) node.parallel.forEach((step, j) => out.push({ step, path: ['phases', phase, i, 'parallel', j], order }));
      else out.push({ step: node, path: ['phases', phase, i], order });
    });
  }
  return out;
}

function suggest(name: string): string {
  const prefix = name.split('.')[0] ?? '';
  const near = ACTION_NAMES.filter((n) => n.startsWith(`${prefix}.`));
  return near.length > 0 ? `; did you mean one of: ${near.join(', ')}?` : `; known actions: ${ACTION_NAMES.join(', ')}`;
}

/** Parses every template in `value`; each one's reads are checked at the field that holds it. */
function checkTemplates(where: (string | number)[], value: unknown, problems: Problem[], checkReadsAt: (reads: string[][], at: (string | number)[]) => void): void {
  for (const { path, template } of templatesIn(value)) {
    const at = [...where, ...splitPath(path)];
    try {
      checkReadsAt(referencedPathsInTemplate(parseTemplate(template)), at);
    } catch (err) {
      problems.push({ path: at, message: `template does not parse: ${(err as Error).message}` });
    }
  }
}

/**
 * Fields the catalog marks `trusted` (recipients, channels) may not read alert or step data: who
 * is told, and who receives links, is the playbook's and the directory's choice, never the alert's.
 */
function checkTrusted(templates: ActionDefinition['templates'], value: Record<string, unknown>, where: (string | number)[], problems: Problem[]): void {
  for (const [key, context] of Object.entries(templates ?? {})) {
    if (context !== 'trusted') continue;
    checkTemplates([...where, key], value[key], problems, (reads, at) => {
      const untrusted = reads.find(([root]) => root === 'alert' || root === 'steps');
      if (untrusted)
        problems.push({ path: at, message: `"${key}" may not read ${untrusted.join('.')}: recipients and channels come from the playbook or the directory, never from alert or step data` });
    });
  }
}

function splitPath(path: string): (string | number)[] {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function checkReads(reads: string[][], where: (string | number)[], place: StepPlace, order: Map<string, number>, problems: Problem[], allowSelf: boolean): void {
  for (const path of reads) {
    const [root, id] = path;
    if (root === undefined) continue;
    if (root === 'self' && allowSelf) continue;
    if (!ROOTS.has(root)) {
      problems.push({ path: where, message: `unknown variable "${root}"; templates read alert, incident, steps${allowSelf ? ', self' : ''}` });
      continue;
    }
    if (root !== 'steps' || id === undefined) continue;
    const at = order.get(id);
    if (at === undefined) problems.push({ path: where, message: `refers to step "${id}", which does not exist` });
    else if (at >= place.order) problems.push({ path: where, message: `refers to step "${id}", which does not run before step "${place.step.id}"` });
  }
}

/** Checks `with` against an action's parameter schema, ignoring fields a template fills at run time. */
function checkParams(schema: z.ZodType, value: Record<string, unknown>, where: (string | number)[], problems: Problem[]): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    let cursor: unknown = value;
    let templated = false;
    for (const seg of issue.path) {
      cursor = (cursor as Record<PropertyKey, unknown> | undefined)?.[seg];
      if (typeof cursor === 'string' && cursor.includes('{{')) templated = true;
    }
    if (templated) continue;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: [...where, ...(issue.path as (string | number)[]), key], message: `unknown parameter "${key}"` });
    } else problems.push({ path: [...where, ...(issue.path as (string | number)[])], message: issue.message });
  }
}

function resolveUndo(step: StepFile, place: StepPlace, order: Map<string, number>, problems: Problem[]): ResolvedUndo | undefined {
  const def = findAction(step.action);
  const undo = step.undo === false ? undefined : (step.undo ?? def?.undo);
  if (!undo) return undefined;
  const where = [...place.path, 'undo'];
  const undoDef = findAction(undo.action);
  if (!undoDef) {
    problems.push({ path: [...where, 'action'], message: `unknown action "${undo.action}"${suggest(undo.action)}` });
    return undefined;
  }
  if (undoDef.kind === 'workflow') problems.push({ path: [...where, 'action'], message: `"${undo.action}" cannot be an undo` });
  checkParams(undoDef.params, undo.with, [...where, 'with'], problems);
  const before = problems.length;
  checkTemplates([...where, 'with'], undo.with, problems, (reads, at) => checkReads(reads, at, { ...place, order: place.order + 1 }, order, problems, true));
  checkTrusted(undoDef.templates, undo.with, [...where, 'with'], problems);
  const approval = step.undo ? step.undo.approval : undefined;
  if (approval?.onTimeout === 'approve')
    problems.push({ path: [...where, 'approval', 'onTimeout'], message: 'a rollback is never approved by a timeout: use escalate (with escalation groups) or reject' });
  if (problems.length > before) return undefined;
  return { action: undo.action, kind: undoDef.kind, with: parseValue(undo.with, undoDef.templates), ...(approval ? { approval: { ...approval, fourEyes: true } } : {}) };
}

/**
 * A timeout is no one's decision, so it may approve only a step that is harmless whatever the
 * alert says: never a destructive action, and never a step whose parameters the alert (or an
 * earlier step fed by it) chooses. Such steps escalate or are denied when no one answers.
 */
function checkTimeoutApproval(action: string, destructive: boolean, value: Record<string, unknown>, at: (string | number)[], problems: Problem[]): void {
  const fix = 'use onTimeout: escalate (with escalation groups) or reject';
  if (destructive) {
    problems.push({ path: at, message: `a timeout may not approve "${action}", which is destructive: ${fix}` });
    return;
  }
  const chosen: string[] = [];
  checkTemplates([], value, problems, (reads, where) => {
    if (reads.some(([root]) => root === 'alert' || root === 'steps')) chosen.push(where.join('.'));
  });
  if (chosen.length > 0) problems.push({ path: at, message: `a timeout may not approve a step whose parameters the alert chooses (with.${chosen[0]}): ${fix}` });
}

function resolveStep(place: StepPlace, order: Map<string, number>, problems: Problem[]): ResolvedStep | undefined {
  const { step, path } = place;
  const before = problems.length;
  const def = findAction(step.action);
  if (!def) problems.push({ path: [...path, 'action'], message: `unknown action "${step.action}"${suggest(step.action)}` });
  else checkParams(def.params, step.with, [...path, 'with'], problems);
  checkTemplates([...path, 'with'], step.with, problems, (reads, at) => checkReads(reads, at, place, order, problems, false));
  if (def) checkTrusted(def.templates, step.with, [...path, 'with'], problems);
  let when: Expr | undefined;
  if (step.when) {
    try {
      when = parseCondition(step.when);
      checkReads(referencedPaths(when), [...path, 'when'], place, order, problems, false);
    } catch (err) {
      problems.push({ path: [...path, 'when'], message: `condition does not parse: ${(err as Error).message}` });
    }
  }
  if (!def) return undefined;
  if (step.approval && def.kind === 'workflow' && !def.destructive) problems.push({ path: [...path, 'approval'], message: `"${step.action}" runs inside the incident and takes no approval` });
  if (step.approval?.onTimeout === 'approve') checkTimeoutApproval(step.action, def.destructive, step.with, [...path, 'approval', 'onTimeout'], problems);
  const undo = resolveUndo(step, place, order, problems);
  if (problems.length > before) return undefined;
  return {
    id: step.id,
    action: step.action,
    kind: def.kind,
    destructive: def.destructive,
    title: step.title ?? def.title,
    with: parseValue(step.with, def.templates),
    ...(when ? { when, whenSource: step.when } : {}),
    ...(step.approval ? { approval: { ...step.approval, fourEyes: step.approval.fourEyes ?? def.destructive } } : {}),
    ...(step.retry ? { retry: step.retry } : {}),
    ...(step.timeout ? { timeout: step.timeout } : {}),
    onFailure: step.onFailure,
    ...(undo ? { undo } : {}),
  };
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), doc);
}

/**
 * Turns a schema issue into problems a person can act on: a phase node that is neither a step
 * nor a parallel group reports the errors of the shape it was meant to be (a `parallel` key
 * means a group), and an unknown key is located at the key itself.
 */
function schemaProblems(issue: z.core.$ZodIssue, doc: unknown, prefix: PropertyKey[] = []): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length === 2) {
    const node = valueAt(doc, path);
    const meant = node !== null && typeof node === 'object' && 'parallel' in node ? 1 : 0;
    return issue.errors[meant]!.flatMap((i) => schemaProblems(i, doc, path));
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key] as (string | number)[], message: `unknown field "${key}"` }));
  }
  return [{ path: path as (string | number)[], message: issue.message }];
}

/**
 * Validates a parsed playbook document and resolves it for the incident workflow. Returns every
 * problem found, not just the first.
 */
export function validatePlaybook(doc: unknown): { playbook?: ResolvedPlaybook; problems: Problem[] } {
  const parsed = playbookSchema.safeParse(doc);
  if (!parsed.success) return { problems: parsed.error.issues.flatMap((i) => schemaProblems(i, doc)) };
  const file = parsed.data;
  const problems: Problem[] = [];
  const all = places(file);
  const order = new Map<string, number>();
  for (const place of all) {
    if (order.has(place.step.id)) problems.push({ path: [...place.path, 'id'], message: `duplicate step id "${place.step.id}"` });
    else order.set(place.step.id, place.order);
  }
  if (file.autoResolve && file.severity !== 'info') {
    problems.push({ path: ['autoResolve'], message: `autoResolve is allowed for severity info only (this playbook is ${file.severity}): a person resolves anything more severe` });
  }
  const resolved = new Map<string, ResolvedStep>();
  for (const place of all) {
    const step = resolveStep(place, order, problems);
    if (step) resolved.set(place.step.id, step);
  }
  if (problems.length > 0) return { problems };

  const phases = Object.fromEntries(
    PHASES.map((phase) => [
      phase,
      file.phases[phase].map((node, i): PhaseNode =>
        'parallel' in node ? { id: node.id ?? `${phase}_parallel_${i + 1}`, parallel: node.parallel.map((s) => resolved.get(s.id)!) } : { step: resolved.get(node.id)! },
      ),
    ]),
  ) as unknown as ResolvedPlaybook['phases'];
  return {
    problems,
    playbook: {
      id: file.id,
      version: file.version,
      title: file.title,
      description: file.description,
      severity: file.severity,
      owners: file.owners,
      triggers: file.triggers,
      notify: { ...(file.notify.slack ? { slackChannel: file.notify.slack } : {}), ...(file.notify.email ? { email: file.notify.email } : {}) },
      phases,
      ...(file.autoResolve ? { autoResolve: true } : {}),
    },
  };
}
