/**
 * `{{ expr }}` templates for playbook fields, built on the expression language. A parsed
 * Template is plain JSON data, like the expression AST. There is no escape for a literal `{{`
 * in text; write `{{ '{{' }}` instead.
 */
import type { Expr } from './expression.js';
import { evaluateExpression, ExpressionError, failAt, referencedPaths, stringifyValue } from './expression.js';
import { tokenize } from './expression-lexer.js';
import { parseExpression, parseTokens } from './expression-parser.js';
import { escapeFor, type TemplateContext } from './template-escape.js';

/** Literal text, or an expression with the offset of its `{{` in the template. */
export type TemplatePart = { readonly kind: 'text'; readonly text: string; readonly offset: number } | { readonly kind: 'expr'; readonly expr: Expr; readonly offset: number };

/** A parsed template: its source and its parts in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

/** A string field that contains a template, found by templatesIn. */
export interface TemplateLocation {
  /** Dotted path relative to the scanned value, e.g. `with.channel`, `with.to[0]`; '' for the value itself. */
  readonly path: string;
  readonly template: string;
}

const OPEN = '{{';
const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Parses a template string. Errors are ExpressionErrors whose offsets are relative to the whole
 * template; an unclosed `{{` is reported at the `{{`.
 */
export function parseTemplate(src: string): Template {
  const parts: TemplatePart[] = [];
  let pos = 0;
  for (let open = src.indexOf(OPEN); open >= 0; open = src.indexOf(OPEN, pos)) {
    if (open > pos) parts.push({ kind: 'text', text: src.slice(pos, open), offset: pos });
    const lexed = tokenize(src, open + OPEN.length, true);
    if (!lexed.closed) throw new ExpressionError('unclosed "{{" starting', open, 'close it with "}}"');
    parts.push({ kind: 'expr', expr: parseTokens(lexed.tokens, src), offset: open });
    pos = lexed.end;
  }
  if (pos < src.length) parts.push({ kind: 'text', text: src.slice(pos), offset: pos });
  return { source: src, parts };
}

/** The expression of a template that is one `{{ expr }}` with only whitespace around it. */
function soleExpression(t: Template): Expr | undefined {
  const exprs = t.parts.filter((p) => p.kind === 'expr');
  const textOnlySpace = t.parts.every((p) => p.kind === 'expr' || p.text.trim() === '');
  const [only] = exprs;
  return exprs.length === 1 && textOnlySpace && only?.kind === 'expr' ? only.expr : undefined;
}

/**
 * Renders a template. A template that is exactly one `{{ expr }}` (whitespace around it allowed)
 * returns the raw value, keeping its type. Otherwise the parts are concatenated: strings as-is,
 * undefined/null as '', numbers/booleans via String(), objects/arrays as JSON. With an escaping
 * `context` (engine/template-escape.ts) every value is a string escaped for it, a sole one too.
 */
export function renderTemplate(t: Template, ctx: Readonly<Record<string, unknown>>, context?: TemplateContext): unknown {
  const sole = soleExpression(t);
  if (sole !== undefined && (context === undefined || context === 'trusted')) return evaluateExpression(sole, ctx);
  let out = '';
  for (const p of t.parts) {
    if (p.kind === 'text') out += p.text;
    else {
      const value = stringifyValue(evaluateExpression(p.expr, ctx), failAt(p.offset));
      out += context === undefined ? value : escapeFor(context, value, out);
    }
  }
  return out;
}

/**
 * Renders every string inside JSON-like data as a template and returns a new structure; object
 * keys are not templated and other values are copied as they are.
 */
export function renderDeep(value: unknown, ctx: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return value.includes(OPEN) ? renderTemplate(parseTemplate(value), ctx) : value;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, ctx));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, ctx)]));
  }
  return value;
}

function childPath(path: string, key: string): string {
  if (!SIMPLE_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

function collectTemplates(value: unknown, path: string, out: TemplateLocation[]): void {
  if (typeof value === 'string') {
    if (value.includes(OPEN)) out.push({ path, template: value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collectTemplates(item, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) collectTemplates(item, childPath(path, key), out);
  }
}

/**
 * Every string containing `{{` inside JSON-like data, with its path relative to `value`: keys of
 * letters, digits, `_` and `-` are joined with dots (`with.channel`), other keys are bracketed
 * as JSON strings (`labels["a.b"]`), array items are indexed (`with.to[0]`).
 */
export function templatesIn(value: unknown): TemplateLocation[] {
  const out: TemplateLocation[] = [];
  collectTemplates(value, '', out);
  return out;
}

/**
 * Parses a `when:` condition: a bare expression (`alert.severity == 'critical'`) or one wrapped
 * entirely in `{{ }}`. Text outside a wrapping `{{ }}` is an error.
 */
export function parseCondition(src: string): Expr {
  if (!src.trimStart().startsWith(OPEN)) return parseExpression(src);
  const t = parseTemplate(src);
  const sole = soleExpression(t);
  if (sole !== undefined) return sole;
  const [, stray] = t.parts.filter((p) => p.kind === 'expr' || p.text.trim() !== '');
  const offset = stray?.kind === 'text' ? stray.offset + stray.text.length - stray.text.trimStart().length : (stray?.offset ?? 0);
  throw new ExpressionError('a condition must be one expression, bare or wrapped entirely in "{{ }}", but more follows', offset);
}

/** Every path a template reads (see referencedPaths), without duplicates. */
export function referencedPathsInTemplate(t: Template): string[][] {
  const seen = new Set<string>();
  return t.parts
    .flatMap((p) => (p.kind === 'expr' ? referencedPaths(p.expr) : []))
    .filter((path) => {
      const id = JSON.stringify(path);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}
