import type { ParsedValue } from './playbook-types.js';
import { parseTemplate, renderTemplate } from './template.js';

/** Parses every `{{ }}` string inside JSON-like data once, so the workflow only renders. */
export function parseValue(value: unknown): ParsedValue {
  if (typeof value === 'string') return value.includes('{{') ? { t: 'tpl', v: parseTemplate(value) } : { t: 'lit', v: value };
  if (Array.isArray(value)) return { t: 'arr', v: value.map(parseValue) };
  if (value !== null && typeof value === 'object') {
    return { t: 'obj', v: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parseValue(v)])) };
  }
  return { t: 'lit', v: value };
}

/** Renders parsed data against a context; single-expression templates keep their type. */
export function renderParsed(value: ParsedValue, ctx: Readonly<Record<string, unknown>>): unknown {
  switch (value.t) {
    case 'lit':
      return value.v;
    case 'tpl':
      return renderTemplate(value.v, ctx);
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
