import type { ParsedValue } from './playbook-types.js';
import type { TemplateContext } from './template-escape.js';
import { parseTemplate, renderTemplate } from './template.js';

/**
 * Parses every `{{ }}` string inside JSON-like data once, so the workflow only renders. `contexts`
 * names the escaping of each top-level key's templates (the catalog's ActionDefinition.templates),
 * recorded on each template and applied when it renders.
 */
export function parseValue(value: unknown, contexts?: Readonly<Record<string, TemplateContext>>): ParsedValue {
  return parseIn(value, undefined, contexts);
}

function parseIn(value: unknown, context: TemplateContext | undefined, contexts?: Readonly<Record<string, TemplateContext>>): ParsedValue {
  if (typeof value === 'string') return value.includes('{{') ? { t: 'tpl', v: parseTemplate(value), ...(context ? { e: context } : {}) } : { t: 'lit', v: value };
  if (Array.isArray(value)) return { t: 'arr', v: value.map((v) => parseIn(v, context)) };
  if (value !== null && typeof value === 'object') {
    return { t: 'obj', v: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parseIn(v, context ?? contexts?.[k])])) };
  }
  return { t: 'lit', v: value };
}

/** Renders parsed data against a context; single-expression templates keep their type unless escaped. */
export function renderParsed(value: ParsedValue, ctx: Readonly<Record<string, unknown>>): unknown {
  switch (value.t) {
    case 'lit':
      return value.v;
    case 'tpl':
      return renderTemplate(value.v, ctx, value.e);
    case 'arr':
      return value.v.map((v) => renderParsed(v, ctx));
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value.v)) {
        const rendered = renderParsed(v, ctx);
        if (rendered !== undefined) out[k] = rendered;
      }
      return out;
    }
  }
}
