import { describe, expect, it } from 'vitest';
import type { Expr } from '../../engine/expression.js';
import { evaluateExpression, ExpressionError, FILTERS, parseExpression, referencedPaths, truthy } from '../../engine/expression.js';

const ctx = {
  alert: {
    severity: 'critical',
    principal: { aws_user: 'alice' },
    labels: { 'team-name': 'ml', env: 'prod' },
    tags: ['pii', 'prod'],
    count: 3,
    empty: [],
    blank: '',
    zero: 0,
    none: null,
    padded: '  Mixed Case  ',
  },
  steps: { snapshot: { output: { uri: 's3://bucket/key' } } },
  items: [10, 20, 30],
  key: 'env',
};

const ev = (src: string, c: Record<string, unknown> = ctx): unknown => evaluateExpression(parseExpression(src), c);

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

const parseError = (src: string): ExpressionError => expressionError(() => parseExpression(src));

describe('paths', () => {
  it('reads dotted paths, quoted bracket keys and array indexes', () => {
    expect(ev('alert.principal.aws_user')).toBe('alice');
    expect(ev('steps.snapshot.output.uri')).toBe('s3://bucket/key');
    expect(ev("alert.labels['team-name']")).toBe('ml');
    expect(ev('alert.labels["env"]')).toBe('prod');
    expect(ev('items[0]')).toBe(10);
    expect(ev('alert.tags[1]')).toBe('prod');
    expect(ev('alert.labels[key]')).toBe('prod');
    expect(ev('(alert).principal')).toEqual({ aws_user: 'alice' });
  });

  it('yields undefined for any missing segment instead of throwing', () => {
    expect(ev('alert.nope')).toBeUndefined();
    expect(ev('alert.nope.deeper.still')).toBeUndefined();
    expect(ev('nobody.at.all')).toBeUndefined();
    expect(ev('alert.none.x')).toBeUndefined();
    expect(ev('items[3]')).toBeUndefined();
    expect(ev('items[-1]')).toBeUndefined();
    expect(ev('items[0.5]')).toBeUndefined();
    expect(ev("items['0']")).toBeUndefined();
    expect(ev('items.length')).toBeUndefined();
    expect(ev('alert.severity.length')).toBeUndefined();
  });

  it('never resolves prototype keys, even when they are own properties', () => {
    expect(ev('alert.constructor')).toBeUndefined();
    expect(ev("alert['__proto__']")).toBeUndefined();
    expect(ev('alert.__proto__')).toBeUndefined();
    expect(ev('alert.toString')).toBeUndefined();
    expect(ev('alert.hasOwnProperty')).toBeUndefined();
    expect(ev('items.constructor.prototype')).toBeUndefined();
    expect(ev('constructor')).toBeUndefined();
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c", "prototype": "p"}') as unknown;
    expect(ev('h.__proto__', { h: hostile })).toBeUndefined();
    expect(ev('h.constructor', { h: hostile })).toBeUndefined();
    expect(ev("h['prototype']", { h: hostile })).toBeUndefined();
    expect(ev("'constructor' in alert")).toBe(false);
    expect(ev("'__proto__' in h", { h: hostile })).toBe(false);
  });
});

describe('literals and operators', () => {
  it('parses strings with escapes, numbers and keywords', () => {
    expect(ev("'it\\'s'")).toBe("it's");
    expect(ev('"say \\"hi\\" \\\\ bye"')).toBe('say "hi" \\ bye');
    expect(ev("'a\\tb\\nc'")).toBe('a\tb\nc');
    expect(ev('42')).toBe(42);
    expect(ev('1.25')).toBe(1.25);
    expect(ev('-3')).toBe(-3);
    expect([ev('true'), ev('false'), ev('null')]).toEqual([true, false, null]);
    expect(parseExpression('-3')).toEqual({ kind: 'literal', value: -3, offset: 0 });
  });

  it('== and != are strict except that null equals undefined', () => {
    expect(ev("alert.severity == 'critical'")).toBe(true);
    expect(ev('alert.count == 3')).toBe(true);
    expect(ev("alert.count == '3'")).toBe(false);
    expect(ev('alert.zero == false')).toBe(false);
    expect(ev('alert.none == null')).toBe(true);
    expect(ev('alert.nope == null')).toBe(true);
    expect(ev('alert.nope != null')).toBe(false);
    expect(ev("alert.severity != 'low'")).toBe(true);
  });

  it('compares only two numbers or two strings', () => {
    expect(ev('alert.count < 4')).toBe(true);
    expect(ev('alert.count <= 3')).toBe(true);
    expect(ev('alert.count > 3')).toBe(false);
    expect(ev('alert.count >= 3')).toBe(true);
    expect(ev("'apple' < 'banana'")).toBe(true);
    expect(ev("alert.count > '2'")).toBe(false);
    expect(ev('alert.none < 1')).toBe(false);
    expect(ev('alert.nope <= 0')).toBe(false);
  });

  it('|| and && return booleans by truthiness (empty array is falsy) and short-circuit', () => {
    expect(ev("alert.severity || 'x'")).toBe(true);
    expect(ev('alert.empty || alert.blank || alert.zero || alert.none')).toBe(false);
    expect(ev('alert.tags && alert.count')).toBe(true);
    expect(ev('alert.count && alert.empty')).toBe(false);
    expect(ev("false && ('abc' | number)")).toBe(false);
    expect(ev("true || ('abc' | number)")).toBe(true);
  });

  it('! negates truthiness and unary - negates numbers only', () => {
    expect(ev('!alert.empty')).toBe(true);
    expect(ev('!alert.tags')).toBe(false);
    expect(ev('!!alert.severity')).toBe(true);
    expect(ev('-alert.count')).toBe(-3);
    expect(ev('- -2')).toBe(2);
    expect(expressionError(() => ev('-alert.severity')).message).toBe('unary "-" expects a number, got string at 0');
  });

  it('applies JS-like precedence: && over ||, ! over ==, in over comparisons', () => {
    expect(ev('true || false && false')).toBe(true);
    expect(ev('false && false || true')).toBe(true);
    expect(ev('(true || false) && false')).toBe(false);
    // (!3) == 2 is false; !(3 == 2) would be true.
    expect(ev('!alert.count == 2')).toBe(false);
    expect(ev('!(alert.count == 2)')).toBe(true);
    expect(parseExpression('!a == b')).toMatchObject({ kind: 'binary', op: '==', left: { kind: 'unary', op: '!' } });
    expect(ev("'pii' in alert.tags == true")).toBe(true);
    expect(ev('1 < 2 == true')).toBe(true);
    expect(ev("alert.count > 1 && 'pii' in alert.tags || false")).toBe(true);
  });

  it('in tests array membership, substrings and own object keys', () => {
    expect(ev("'pii' in alert.tags")).toBe(true);
    expect(ev("'gdpr' in alert.tags")).toBe(false);
    expect(ev('20 in items')).toBe(true);
    expect(ev("'20' in items")).toBe(false);
    expect(ev("'crit' in alert.severity")).toBe(true);
    expect(ev("'CRIT' in alert.severity")).toBe(false);
    expect(ev("'env' in alert.labels")).toBe(true);
    expect(ev("'owner' in alert.labels")).toBe(false);
    expect(ev("'a' in alert.nope")).toBe(false);
    expect(ev("1 in '123'")).toBe(false);
  });
});

describe('filters', () => {
  it('lists the known filters', () => {
    expect(FILTERS).toEqual(['default', 'lower', 'upper', 'trim', 'length', 'join', 'first', 'last', 'json', 'string', 'number', 'keys']);
  });

  it('default replaces undefined, null and empty string only', () => {
    expect(ev("alert.nope | default('n/a')")).toBe('n/a');
    expect(ev("alert.none | default('n/a')")).toBe('n/a');
    expect(ev("alert.blank | default('n/a')")).toBe('n/a');
    expect(ev("alert.zero | default('n/a')")).toBe(0);
    expect(ev("alert.empty | default('n/a')")).toEqual([]);
    expect(ev('alert.nope | default(alert.count)')).toBe(3);
  });

  it('lower, upper and trim transform strings and pass null/undefined through', () => {
    expect(ev('alert.padded | lower')).toBe('  mixed case  ');
    expect(ev('alert.padded | upper')).toBe('  MIXED CASE  ');
    expect(ev('alert.padded | trim')).toBe('Mixed Case');
    expect(ev('alert.nope | upper')).toBeUndefined();
    expect(ev('alert.none | trim')).toBeNull();
    const err = expressionError(() => ev('alert.count | upper'));
    expect(err.offset).toBe(14);
    expect(err.message).toBe('filter "upper" expects a string, got number at 14');
  });

  it('length counts string characters, array items and object keys', () => {
    expect(ev('alert.severity | length')).toBe(8);
    expect(ev('alert.tags | length')).toBe(2);
    expect(ev('alert.labels | length')).toBe(2);
    expect(ev('alert.nope | length')).toBe(0);
    expect(ev('alert.none | length')).toBe(0);
    expect(expressionError(() => ev('alert.count | length')).offset).toBe(14);
  });

  it('join concatenates arrays with ", " or a given separator', () => {
    expect(ev('alert.tags | join')).toBe('pii, prod');
    expect(ev("alert.tags | join(' + ')")).toBe('pii + prod');
    expect(ev("xs | join('|')", { xs: ['a', 1, null, { k: true }] })).toBe('a|1||{"k":true}');
    expect(ev('alert.nope | join')).toBe('');
    expect(expressionError(() => ev('alert.tags | join(1)')).message).toContain('expects a string separator');
    expect(expressionError(() => ev('alert.severity | join')).message).toContain('expects an array, got string');
  });

  it('first and last pick from arrays and strings', () => {
    expect(ev('items | first')).toBe(10);
    expect(ev('items | last')).toBe(30);
    expect(ev('alert.severity | first')).toBe('c');
    expect(ev('alert.severity | last')).toBe('l');
    expect(ev('alert.empty | first')).toBeUndefined();
    expect(ev('alert.nope | last')).toBeUndefined();
    expect(expressionError(() => ev('alert.labels | first')).message).toContain('expects an array or string, got object');
  });

  it('json, string, number and keys convert values', () => {
    expect(ev('alert.labels | json')).toBe('{"team-name":"ml","env":"prod"}');
    expect(ev('alert.nope | json')).toBe('null');
    expect(ev("'x' | json")).toBe('"x"');
    expect(ev('alert.count | string')).toBe('3');
    expect(ev('alert.none | string')).toBe('');
    expect(ev('alert.tags | string')).toBe('["pii","prod"]');
    expect(ev("'42' | number")).toBe(42);
    expect(ev("' 1.5 ' | number")).toBe(1.5);
    expect(ev('true | number')).toBe(1);
    expect(ev('alert.labels | keys')).toEqual(['team-name', 'env']);
    expect(ev('alert.nope | keys')).toEqual([]);
  });

  it('number fails at the filter on anything that is not a finite number', () => {
    const err = expressionError(() => ev("'abc' | number"));
    expect(err.offset).toBe(8);
    expect(err.message).toBe('filter "number" cannot convert string "abc" to a number at 8');
    expect(expressionError(() => ev("'' | number")).offset).toBe(5);
    expect(expressionError(() => ev('alert.nope | number')).offset).toBe(13);
    expect(expressionError(() => ev('alert.tags | number')).offset).toBe(13);
  });

  it('chains filters left to right and accepts expressions as arguments', () => {
    expect(ev("alert.x | default('n/a') | upper")).toBe('N/A');
    expect(ev("alert.tags | join('-') | upper | length")).toBe(8);
    expect(ev('alert.nope | default(alert.severity | upper)')).toBe('CRITICAL');
    expect(ev('(alert.tags | length) > 1')).toBe(true);
    expect(ev('alert.padded | trim()')).toBe('Mixed Case');
  });
});

describe('parse errors', () => {
  it('reports an unknown filter at its name, listing the known ones', () => {
    const err = parseError('alert.x | lowr');
    expect(err.offset).toBe(10);
    expect(err.message).toBe(`unknown filter "lowr" at 10; known filters: ${FILTERS.join(', ')}`);
    expect(parseError('x | constructor').message).toContain('unknown filter "constructor"');
  });

  it('reports wrong filter arity', () => {
    expect(parseError('x | default').message).toBe('filter "default" takes 1 argument(s), got 0 at 4');
    expect(parseError("x | join(',', '-')").message).toBe('filter "join" takes 0 to 1 argument(s), got 2 at 4');
    expect(parseError("x | upper('a')").offset).toBe(4);
  });

  it('reports an unterminated string where it starts', () => {
    const err = parseError("a == 'abc");
    expect(err.offset).toBe(5);
    expect(err.message).toBe('unterminated string starting at 5');
    expect(parseError("'abc\\").message).toBe('unterminated string starting at 0');
    expect(parseError("'\\d'").message).toContain('invalid escape "\\\\d" in string at 1');
  });

  it('reports trailing garbage and unexpected tokens', () => {
    expect(parseError('alert.x)').message).toMatch(/^unexpected token "\)" at 7/);
    expect(parseError('a b').offset).toBe(2);
    expect(parseError('alert.team-name').message).toMatch(/^unexpected token "-" at 10/);
    expect(parseError('alert.').message).toMatch(/^unexpected end of expression at 6; expected a property name/);
    expect(parseError('items[0').message).toMatch(/^unexpected end of expression at 7; expected "\]"/);
    expect(parseError('a ==').offset).toBe(4);
    expect(parseError('in').message).toMatch(/^unexpected token "in" at 0/);
    expect(parseError('x | 3').message).toMatch(/^unexpected token "3" at 4; expected a filter name/);
  });

  it('rejects empty expressions and stray characters with a hint', () => {
    expect(parseError('').message).toBe('empty expression at 0');
    expect(parseError('   ').message).toBe('empty expression at 3');
    expect(parseError('a = b').message).toBe('unexpected character "=" at 2; did you mean "=="?');
    expect(parseError('a & b').offset).toBe(2);
  });

  it('bounds nesting depth instead of overflowing the stack', () => {
    expect(parseError(`${'('.repeat(200)}1${')'.repeat(200)}`).message).toContain('nested more than 64 levels');
    expect(parseError(`${'!'.repeat(200)}x`).message).toContain('nested more than 64 levels');
    expect(ev(`${'('.repeat(30)}1${')'.repeat(30)}`)).toBe(1);
  });

  it('bounds expression length so long operator chains stay evaluable', () => {
    const chain = (n: number): string => Array.from({ length: n }, (_, i) => `a${i}`).join(' || ');
    expect(ev(`${chain(998)} || alert.count`)).toBe(true);
    expect(ev(`alert.padded${' | trim'.repeat(998)}`)).toBe('Mixed Case');
    const err = parseError(`${chain(1000)} || x`);
    expect(err.message).toMatch(/^expression longer than 2000 tokens at \d+/);
  });
});

describe('AST', () => {
  it('is plain JSON data that still evaluates after a round trip', () => {
    const src = "alert.labels['team-name'] == 'ml' && !(alert.tags | length) == false || -1 in items | default(0)";
    const ast = parseExpression(src);
    const copy = JSON.parse(JSON.stringify(ast)) as Expr;
    expect(copy).toEqual(ast);
    expect(evaluateExpression(copy, ctx)).toBe(evaluateExpression(ast, ctx));
    expect(evaluateExpression(copy, ctx)).toBe(true);
  });

  it('refuses a forged node at evaluation', () => {
    const forged = { kind: 'filter', name: 'eval', input: { kind: 'literal', value: 1, offset: 0 }, args: [], offset: 4 } as unknown as Expr;
    expect(expressionError(() => evaluateExpression(forged, ctx)).message).toBe('unknown filter "eval" at 4');
  });
});

describe('referencedPaths', () => {
  it('lists every path read, with literal indexes as segments', () => {
    expect(referencedPaths(parseExpression("alert.severity == 'critical' && steps.snap.output.uri"))).toEqual([
      ['alert', 'severity'],
      ['steps', 'snap', 'output', 'uri'],
    ]);
    expect(referencedPaths(parseExpression("alert.labels['team-name'] || items[0]"))).toEqual([
      ['alert', 'labels', 'team-name'],
      ['items', '0'],
    ]);
  });

  it('ends a path at a dynamic index and lists paths inside it, filters and arguments', () => {
    expect(referencedPaths(parseExpression('alert.labels[key].x'))).toEqual([['alert', 'labels'], ['key']]);
    expect(referencedPaths(parseExpression('a.b | default(c.d) | upper'))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(referencedPaths(parseExpression('(a | first).b'))).toEqual([['a']]);
  });

  it('deduplicates and ignores literals', () => {
    expect(referencedPaths(parseExpression('a.b == 1 || a.b == 2'))).toEqual([['a', 'b']]);
    expect(referencedPaths(parseExpression("'x' in 'xyz'"))).toEqual([]);
  });
});

describe('truthy', () => {
  it('follows JS truthiness except that an empty array is falsy', () => {
    expect([[], '', 0, null, undefined, false, NaN].map(truthy)).toEqual([false, false, false, false, false, false, false]);
    expect([[0], 'a', 1, {}, true, -1].map(truthy)).toEqual([true, true, true, true, true, true]);
  });
});
