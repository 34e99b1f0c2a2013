/**
 * A small, safe expression language for playbooks, evaluated inside workflow code: pure and
 * deterministic (no I/O, no clock, no randomness, no eval, no regular expressions on input).
 *
 * Paths read own properties only, never `__proto__`, `constructor` or `prototype`, and a missing
 * segment yields `undefined` instead of throwing. See expression-parser.ts for the grammar and
 * expression-filters.ts for the filters.
 */
import type { BinaryNode, Expr, FilterNode, GetNode, UnaryNode } from './expression-ast.js';
import { ExpressionError } from './expression-ast.js';
import type { Fail } from './expression-filters.js';
import { filterSpec, isFilterName } from './expression-filters.js';

export type { BinaryOp, Expr, LiteralValue, UnaryOp } from './expression-ast.js';
export { ExpressionError } from './expression-ast.js';
export { FILTERS, stringifyValue, type FilterName } from './expression-filters.js';
export { parseExpression } from './expression-parser.js';

/** Keys that never resolve, even when present as own properties (e.g. from JSON.parse). */
const BLOCKED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Builds a `fail` callback that throws an ExpressionError at `offset`. */
export function failAt(offset: number): Fail {
  return (reason) => {
    throw new ExpressionError(reason, offset);
  };
}

/** JavaScript truthiness, except that an empty array is falsy too. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

/** Strict equality, except that `null` and `undefined` are equal to each other. */
function equals(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return a === b;
}

function hasOwnKey(obj: object, key: string): boolean {
  return !BLOCKED_KEYS.has(key) && Object.prototype.hasOwnProperty.call(obj, key);
}

/** Reads `key` from `obj`: array elements by integer index, object own properties by name. */
function readKey(obj: unknown, key: unknown): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  if (Array.isArray(obj)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < obj.length ? (obj[key] as unknown) : undefined;
  }
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  const name = String(key);
  return hasOwnKey(obj, name) ? (obj as Record<string, unknown>)[name] : undefined;
}

/** `needle in haystack`: array membership (by `==`), substring, or own object key. */
function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.some((item) => equals(item, needle));
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (typeof haystack === 'object' && haystack !== null && (typeof needle === 'string' || typeof needle === 'number')) {
    return hasOwnKey(haystack, String(needle));
  }
  return false;
}

function order<T extends number | string>(op: '<' | '<=' | '>' | '>=', x: T, y: T): boolean {
  if (op === '<') return x < y;
  if (op === '<=') return x <= y;
  if (op === '>') return x > y;
  return x >= y;
}

/** `<`, `<=`, `>`, `>=` between two numbers or two strings; anything else is false. */
function compare(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return order(op, a, b);
  if (typeof a === 'string' && typeof b === 'string') return order(op, a, b);
  return false;
}

function evalBinary(node: BinaryNode, ctx: Readonly<Record<string, unknown>>): boolean {
  if (node.op === '||') return truthy(evaluateExpression(node.left, ctx)) || truthy(evaluateExpression(node.right, ctx));
  if (node.op === '&&') return truthy(evaluateExpression(node.left, ctx)) && truthy(evaluateExpression(node.right, ctx));
  const left = evaluateExpression(node.left, ctx);
  const right = evaluateExpression(node.right, ctx);
  switch (node.op) {
    case '==':
      return equals(left, right);
    case '!=':
      return !equals(left, right);
    case 'in':
      return contains(right, left);
    default:
      return compare(node.op, left, right);
  }
}

function evalUnary(node: UnaryNode, ctx: Readonly<Record<string, unknown>>): unknown {
  const value = evaluateExpression(node.operand, ctx);
  if (node.op === '!') return !truthy(value);
  if (typeof value !== 'number') return failAt(node.offset)(`unary "-" expects a number, got ${value === null ? 'null' : typeof value}`);
  return -value;
}

function evalFilter(node: FilterNode, ctx: Readonly<Record<string, unknown>>): unknown {
  if (!isFilterName(node.name)) throw new ExpressionError(`unknown filter ${JSON.stringify(node.name)}`, node.offset);
  const input = evaluateExpression(node.input, ctx);
  const args = node.args.map((arg) => evaluateExpression(arg, ctx));
  return filterSpec(node.name).apply(input, args, failAt(node.offset));
}

function evalGet(node: GetNode, ctx: Readonly<Record<string, unknown>>): unknown {
  return readKey(evaluateExpression(node.object, ctx), evaluateExpression(node.key, ctx));
}

/**
 * Evaluates a parsed expression against `ctx` (root names such as `alert`, `steps`). Throws an
 * ExpressionError only for evaluation errors such as `'abc' | number` or `-'x'`.
 */
export function evaluateExpression(expr: Expr, ctx: Readonly<Record<string, unknown>>): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'var':
      return readKey(ctx, expr.name);
    case 'get':
      return evalGet(expr, ctx);
    case 'unary':
      return evalUnary(expr, ctx);
    case 'binary':
      return evalBinary(expr, ctx);
    case 'filter':
      return evalFilter(expr, ctx);
    default:
      throw new ExpressionError(`unknown expression node ${JSON.stringify((expr as { kind?: unknown }).kind)}`, 0);
  }
}

/** The static path of a `var`/`get` chain with literal keys, e.g. `a.b[0]` → ['a','b','0']. */
function staticPath(expr: Expr): string[] | undefined {
  if (expr.kind === 'var') return [expr.name];
  if (expr.kind !== 'get' || expr.key.kind !== 'literal') return undefined;
  const key = expr.key.value;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  const base = staticPath(expr.object);
  return base === undefined ? undefined : [...base, String(key)];
}

function collectPaths(expr: Expr, add: (path: string[]) => void): void {
  const path = staticPath(expr);
  if (path !== undefined) {
    add(path);
    return;
  }
  const children: Expr[] = [];
  if (expr.kind === 'get') children.push(expr.object, expr.key);
  if (expr.kind === 'unary') children.push(expr.operand);
  if (expr.kind === 'binary') children.push(expr.left, expr.right);
  if (expr.kind === 'filter') children.push(expr.input, ...expr.args);
  for (const child of children) collectPaths(child, add);
}

/**
 * Every path the expression reads, as segment arrays, in order of first appearance and without
 * duplicates, e.g. [['alert','severity'], ['steps','snap','output','uri']]. Literal bracket
 * indexes become segments; a dynamic index ends the path there (its own paths are listed too).
 */
export function referencedPaths(expr: Expr): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  collectPaths(expr, (path) => {
    const id = JSON.stringify(path);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(path);
  });
  return out;
}
