/**
 * The filters available after `|`. Policy: every filter accepts `undefined` and `null` (passing
 * them through or returning a neutral value) and fails with an evaluation error on a value of a
 * type it cannot meaningfully handle, rather than guessing.
 */

/** Reports an evaluation failure; the evaluator turns it into an ExpressionError at the filter. */
export type Fail = (reason: string) => never;

/** A filter's accepted argument count and its implementation. */
export interface FilterSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly apply: (value: unknown, args: readonly unknown[], fail: Fail) => unknown;
}

const isNil = (v: unknown): v is null | undefined => v === undefined || v === null;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short type name for messages: `null`, `array`, `object`, `string`, … */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

/** JSON.stringify that never throws (circular, BigInt) and never returns undefined. */
export function toJson(v: unknown, fail: Fail): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch (err) {
    return fail(`cannot convert ${typeName(v)} to JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** How values become text: strings as-is, null/undefined as '', numbers/booleans via String(), the rest as JSON. */
export function stringifyValue(v: unknown, fail: Fail): string {
  if (isNil(v)) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return toJson(v, fail);
}

const onString =
  (name: string, transform: (s: string) => string): FilterSpec['apply'] =>
  (value, _args, fail) => {
    if (isNil(value)) return value;
    if (typeof value !== 'string') return fail(`filter "${name}" expects a string, got ${typeName(value)}`);
    return transform(value);
  };

function length(value: unknown, _args: readonly unknown[], fail: Fail): number {
  if (isNil(value)) return 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isRecord(value)) return Object.keys(value).length;
  return fail(`filter "length" expects a string, array or object, got ${typeName(value)}`);
}

function join(value: unknown, args: readonly unknown[], fail: Fail): string {
  const sep = args.length === 0 ? ', ' : args[0];
  if (typeof sep !== 'string') return fail(`filter "join" expects a string separator, got ${typeName(sep)}`);
  if (isNil(value)) return '';
  if (!Array.isArray(value)) return fail(`filter "join" expects an array, got ${typeName(value)}`);
  return value.map((item) => stringifyValue(item, fail)).join(sep);
}

const pick =
  (name: string, fromEnd: boolean): FilterSpec['apply'] =>
  (value, _args, fail) => {
    if (isNil(value)) return undefined;
    if (typeof value !== 'string' && !Array.isArray(value)) {
      return fail(`filter "${name}" expects an array or string, got ${typeName(value)}`);
    }
    if (value.length === 0) return undefined;
    return value[fromEnd ? value.length - 1 : 0] as unknown;
  };

function toNumber(value: unknown, _args: readonly unknown[], fail: Fail): number {
  const usable = typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.trim() !== '');
  const n = usable ? Number(value) : NaN;
  if (!Number.isFinite(n)) return fail(`filter "number" cannot convert ${typeName(value)} ${toJson(value, fail)} to a number`);
  return n;
}

function keys(value: unknown, _args: readonly unknown[], fail: Fail): string[] {
  if (isNil(value)) return [];
  if (!isRecord(value)) return fail(`filter "keys" expects an object, got ${typeName(value)}`);
  return Object.keys(value);
}

const SPECS = {
  default: { minArgs: 1, maxArgs: 1, apply: (value, args) => (isNil(value) || value === '' ? args[0] : value) },
  lower: { minArgs: 0, maxArgs: 0, apply: onString('lower', (s) => s.toLowerCase()) },
  upper: { minArgs: 0, maxArgs: 0, apply: onString('upper', (s) => s.toUpperCase()) },
  trim: { minArgs: 0, maxArgs: 0, apply: onString('trim', (s) => s.trim()) },
  length: { minArgs: 0, maxArgs: 0, apply: length },
  join: { minArgs: 0, maxArgs: 1, apply: join },
  first: { minArgs: 0, maxArgs: 0, apply: pick('first', false) },
  last: { minArgs: 0, maxArgs: 0, apply: pick('last', true) },
  json: { minArgs: 0, maxArgs: 0, apply: (value, _args, fail) => toJson(value, fail) },
  string: { minArgs: 0, maxArgs: 0, apply: (value, _args, fail) => stringifyValue(value, fail) },
  number: { minArgs: 0, maxArgs: 0, apply: toNumber },
  keys: { minArgs: 0, maxArgs: 0, apply: keys },
} satisfies Record<string, FilterSpec>;

/** The name of a known filter. */
export type FilterName = keyof typeof SPECS;

/** Known filter names, in documentation order. */
export const FILTERS: readonly FilterName[] = Object.freeze(Object.keys(SPECS) as FilterName[]);

/** True when `name` is a known filter (own keys only, so `constructor` is not a filter). */
export function isFilterName(name: string): name is FilterName {
  return Object.prototype.hasOwnProperty.call(SPECS, name);
}

/** The spec of a known filter. */
export function filterSpec(name: FilterName): FilterSpec {
  return SPECS[name];
}
