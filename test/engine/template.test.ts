import { describe, expect, it } from 'vitest';
import { evaluateExpression, ExpressionError } from '../../engine/expression.js';
import type { Template } from '../../engine/template.js';
import { parseCondition, parseTemplate, referencedPathsInTemplate, renderDeep, renderTemplate, templatesIn } from '../../engine/template.js';

const ctx = {
  alert: { user: 'alice', count: 3, tags: ['pii', 'prod'], labels: { env: 'prod' }, none: null, severity: 'critical' },
  steps: { snap: { output: { uri: 's3://b/k' } } },
};

const render = (src: string): unknown => renderTemplate(parseTemplate(src), ctx);

/** Runs `fn`, which must throw an ExpressionError, and returns it. */
function expressionError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  return expect.unreachable('expected an ExpressionError');
}

describe('parseTemplate', () => {
  it('splits text and expressions, with offsets in the whole template, as JSON data', () => {
    const t = parseTemplate('Hi {{ alert.user }}!');
    expect(t.parts).toMatchObject([
      { kind: 'text', text: 'Hi ', offset: 0 },
      { kind: 'expr', offset: 3, expr: { kind: 'get', offset: 12 } },
      { kind: 'text', text: '!', offset: 19 },
    ]);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(renderTemplate(JSON.parse(JSON.stringify(t)) as Template, ctx)).toBe('Hi alice!');
  });

  it('lets braces appear inside string literals', () => {
    expect(render("{{ '}}' }}")).toBe('}}');
    expect(render("a {{ '{{' }} b")).toBe('a {{ b');
  });

  it('reports errors at offsets inside the braces of the whole template', () => {
    const err = expressionError(() => parseTemplate('abc {{ foo. }}'));
    expect(err.offset).toBeGreaterThan(6);
    expect(err.offset).toBeLessThan(14);
    expect(err.message).toMatch(/^unexpected end of expression at 12; expected a property name/);
    const unknown = expressionError(() => parseTemplate('{{ a }} and {{ b | lowr }}'));
    expect(unknown.offset).toBe(19);
    expect(unknown.message).toContain('unknown filter "lowr" at 19; known filters: default, lower');
  });

  it('rejects an unclosed {{, an empty {{ }} and a stray single brace', () => {
    const unclosed = expressionError(() => parseTemplate('abc {{ foo'));
    expect(unclosed.offset).toBe(4);
    expect(unclosed.message).toBe('unclosed "{{" starting at 4; close it with "}}"');
    expect(expressionError(() => parseTemplate('x {{ }}')).message).toBe('empty expression at 5');
    expect(expressionError(() => parseTemplate('{{ a } }}')).offset).toBe(5);
    expect(expressionError(() => parseTemplate("{{ 'abc }}")).message).toBe('unterminated string starting at 3');
  });
});

describe('renderTemplate', () => {
  it('returns the raw value of a single expression with only whitespace around it', () => {
    expect(render('{{ alert.count }}')).toBe(3);
    expect(render('  {{ alert.tags }}\n')).toEqual(['pii', 'prod']);
    expect(render('{{alert.labels}}')).toEqual({ env: 'prod' });
    expect(render('{{ alert.count > 1 }}')).toBe(true);
    expect(render('{{ alert.missing }}')).toBeUndefined();
  });

  it('stringifies every value when text surrounds the expressions', () => {
    expect(render('n={{ alert.count }} ok={{ true }} none=[{{ alert.missing }}{{ alert.none }}]')).toBe('n=3 ok=true none=[]');
    expect(render('tags={{ alert.tags }} labels={{ alert.labels }}')).toBe('tags=["pii","prod"] labels={"env":"prod"}');
    expect(render('{{ alert.user }}{{ alert.count }}')).toBe('alice3');
  });

  it('returns text without expressions unchanged', () => {
    expect(render('no templates here }}')).toBe('no templates here }}');
    expect(render('')).toBe('');
  });

  it('reports evaluation errors at the failing filter', () => {
    const err = expressionError(() => render('x {{ "a" | number }}'));
    expect(err.offset).toBe(11);
  });
});

describe('renderDeep', () => {
  it('renders every string in nested data, keeps types and leaves keys and the input alone', () => {
    const input = {
      channel: '#{{ alert.labels.env }}-alerts',
      count: '{{ alert.count }}',
      '{{ key }}': 'literal key',
      to: ['ops', '{{ alert.user }}@example.com', { deep: ['{{ alert.tags }}'] }],
      flags: { on: true, off: false, none: null, n: 7 },
    };
    const before = structuredClone(input);
    expect(renderDeep(input, ctx)).toEqual({
      channel: '#prod-alerts',
      count: 3,
      '{{ key }}': 'literal key',
      to: ['ops', 'alice@example.com', { deep: [['pii', 'prod']] }],
      flags: { on: true, off: false, none: null, n: 7 },
    });
    expect(input).toEqual(before);
    expect(renderDeep('{{ alert.user }}', ctx)).toBe('alice');
  });

  it('keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"__proto__": "{{ alert.user }}"}') as unknown;
    const out = renderDeep(input, ctx) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('alice');
  });
});

describe('templatesIn', () => {
  it('lists every templated string with its path', () => {
    const value = {
      with: { channel: '#{{ alert.team }}', to: ['a@x', '{{ alert.owner }}'], text: 'plain', n: 3, 'odd.key': '{{ x }}', 'team-name': '{{ y }}' },
      rows: [['{{ z }}']],
    };
    expect(templatesIn(value)).toEqual([
      { path: 'with.channel', template: '#{{ alert.team }}' },
      { path: 'with.to[1]', template: '{{ alert.owner }}' },
      { path: 'with["odd.key"]', template: '{{ x }}' },
      { path: 'with.team-name', template: '{{ y }}' },
      { path: 'rows[0][0]', template: '{{ z }}' },
    ]);
  });

  it('uses an empty path for the value itself and finds nothing in plain data', () => {
    expect(templatesIn('{{ a }}')).toEqual([{ path: '', template: '{{ a }}' }]);
    expect(templatesIn(['{{ a }}'])).toEqual([{ path: '[0]', template: '{{ a }}' }]);
    expect(templatesIn({ a: 'x', b: [1, null, true] })).toEqual([]);
  });
});

describe('parseCondition', () => {
  it('accepts a bare expression or one wrapped entirely in {{ }}', () => {
    const bare = parseCondition("alert.severity == 'critical'");
    const wrapped = parseCondition("  {{ alert.severity == 'critical' }} ");
    expect(evaluateExpression(bare, ctx)).toBe(true);
    expect(evaluateExpression(wrapped, ctx)).toBe(true);
    expect(evaluateExpression(parseCondition("{{ alert.severity == 'low' }}"), ctx)).toBe(false);
    expect(evaluateExpression(parseCondition("'{{' in alert.user"), ctx)).toBe(false);
  });

  it('rejects text or a second expression outside the wrapping braces', () => {
    const text = expressionError(() => parseCondition('{{ a }} and more'));
    expect(text.offset).toBe(8);
    expect(text.message).toContain('a condition must be one expression');
    expect(expressionError(() => parseCondition('{{ a }} {{ b }}')).offset).toBe(8);
    expect(expressionError(() => parseCondition('a == {{ b }}')).message).toMatch(/^unexpected character "\{" at 5/);
    expect(expressionError(() => parseCondition('')).message).toBe('empty expression at 0');
  });
});

describe('referencedPathsInTemplate', () => {
  it('collects paths from every expression without duplicates', () => {
    const t = parseTemplate('{{ alert.user }} ran {{ steps.snap.output.uri }} as {{ alert.user | upper }}');
    expect(referencedPathsInTemplate(t)).toEqual([
      ['alert', 'user'],
      ['steps', 'snap', 'output', 'uri'],
    ]);
    expect(referencedPathsInTemplate(parseTemplate('plain'))).toEqual([]);
  });
});
