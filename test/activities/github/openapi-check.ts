import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The part of OpenAPI 3.0 schema objects GitHub's description uses for the fake's responses. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly additionalProperties?: boolean | Schema;
  readonly nullable?: boolean;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
}

interface Response {
  readonly $ref?: string;
  readonly content?: Readonly<Record<string, { readonly schema?: Schema }>>;
}
interface Operation {
  readonly operationId: string;
  readonly responses: Readonly<Record<string, Response>>;
}
export interface Description {
  readonly name: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema>>; readonly responses: Readonly<Record<string, Response>> };
}

const requireHere = createRequire(import.meta.url);

/** Loads one of @octokit/openapi's generated descriptions (e.g. api.github.com, ghec), not the whole package. */
export function loadDescription(name: string): Description {
  const file = requireHere.resolve(`@octokit/openapi/generated/${name}.json`);
  return { name, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Description, 'name'>) };
}

export interface FoundOperation {
  readonly description: Description;
  readonly operation: Operation;
}

/** The operation for `METHOD /path/{template}` in the first description that has it. */
export function findOperation(descriptions: readonly Description[], route: string): FoundOperation | undefined {
  const [method = '', path = ''] = route.split(' ');
  for (const description of descriptions) {
    const operation = description.paths[path]?.[method.toLowerCase()];
    if (operation) return { description, operation };
  }
  return undefined;
}

const refName = (ref: string, kind: 'schemas' | 'responses') => {
  const prefix = `#/components/${kind}/`;
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(prefix.length);
};

/**
 * The JSON schema of the operation's response for `status`: a Schema, null when the status is
 * documented without a body (204), undefined when the operation does not document the status.
 */
export function responseSchema(found: FoundOperation, status: number): Schema | null | undefined {
  let response = found.operation.responses[String(status)];
  if (response?.$ref) response = found.description.components.responses[refName(response.$ref, 'responses')];
  if (!response) return undefined;
  return response.content?.['application/json']?.schema ?? null;
}

const typeOk: Record<string, (v: unknown) => boolean> = {
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: Number.isInteger,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
};
const formatOk: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
  uri: (v) => URL.canParse(v),
};

/**
 * Validates `value` against `schema`, returning one line per violation (empty when it conforms).
 * Covers $ref, type, nullable, enum, format (date-time, uri), properties, required, items,
 * additionalProperties, anyOf/oneOf (at least one branch) and allOf. Stricter than JSON Schema in
 * one way, on purpose: a property the schema does not declare is reported, so the fake cannot
 * grow fields GitHub does not send.
 */
export function validate(description: Description, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const target = description.components.schemas[refName(schema.$ref, 'schemas')];
    if (!target) throw new Error(`${description.name}: no schema ${schema.$ref}`);
    return validate(description, target, value, at);
  }
  if (value === null && (schema.nullable || schema.type === 'null')) return [];
  if (schema.allOf) return schema.allOf.flatMap((s) => validate(description, s, value, at));
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const results = branches.map((s) => validate(description, s, value, at));
    return results.some((r) => r.length === 0) ? [] : [`${at}: matches none of ${branches.length} alternatives (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (schema.type && !(typeOk[schema.type]?.(value) ?? true)) return [`${at}: expected ${schema.type}${schema.nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  if (schema.format && typeof value === 'string' && formatOk[schema.format]?.(value) === false) return [`${at}: "${value}" is not a ${schema.format}`];
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.flatMap((v, i) => validate(description, items, v, `${at}[${i}]`));
  }
  if (!typeOk.object?.(value) || (!schema.properties && schema.additionalProperties === undefined)) return [];
  const object = value as Record<string, unknown>;
  const errors = (schema.required ?? []).filter((k) => !(k in object)).map((k) => `${at}: missing required property ${k}`);
  for (const [key, v] of Object.entries(object)) {
    const declared = schema.properties?.[key];
    const extra = schema.additionalProperties;
    if (declared) errors.push(...validate(description, declared, v, `${at}.${key}`));
    else if (typeof extra === 'object') errors.push(...validate(description, extra, v, `${at}.${key}`));
    else if (extra !== true) errors.push(`${at}: property ${key} is not in GitHub's schema`);
  }
  return errors;
}
