import { toJSONSchema, type ZodType } from 'zod';
import type { Route } from '../router.js';

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A route's body schema as JSON Schema (2020-12, as OpenAPI 3.1 uses): what a caller may send (zod's input side). */
export function bodySchema(body: ZodType): Json {
  const schema = toJSONSchema(body, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete schema.$schema; // the document says its dialect once
  return schema;
}

/** The prose of `old` (each description) laid over `next` where `next` has none, at the same place: shapes are generated, words stay written. */
function keepDescriptions(old: unknown, next: unknown): unknown {
  if (Array.isArray(next)) return next.map((v, i) => keepDescriptions(Array.isArray(old) ? old[i] : undefined, v));
  if (!isObject(next)) return next;
  const out: Json = {};
  for (const [k, v] of Object.entries(next)) out[k] = keepDescriptions(isObject(old) ? old[k] : undefined, v);
  if (isObject(old) && typeof old.description === 'string' && out.description === undefined) return { description: old.description, ...out };
  return out;
}

/** The operation's parameters with its query ones made from the query's schema (one per property, in its order), the others kept. */
function queryParameters(old: readonly Json[], schema: Json): Json[] {
  const required = new Set((schema.required ?? []) as string[]);
  const query = Object.entries((schema.properties ?? {}) as Record<string, Json>).map(([name, s]) => {
    const was = old.find((p) => p.in === 'query' && p.name === name);
    const { description, ...shape } = s;
    const said = typeof was?.description === 'string' ? was.description : description;
    return { name, in: 'query', required: required.has(name), ...(said ? { description: said } : {}), schema: keepDescriptions(was?.schema, shape) };
  });
  return [...old.filter((p) => p.in !== 'query'), ...query];
}

/** `METHOD /path/{param}` of a route, as the OpenAPI document names its operation. */
export const operationOf = (r: Pick<Route, 'method' | 'path'>): string => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`;

/**
 * The OpenAPI document with each route's JSON request body generated from the zod schema the route
 * validates with (Route.body), keeping the document's descriptions. Routes without a declared body
 * (alert payloads, the codec) keep what the document says. Throws when a route with a body has no
 * operation in the document to carry it.
 */
export function withGeneratedBodies(doc: Json, routes: readonly Route[]): Json {
  const out = structuredClone(doc);
  const paths = out.paths as Record<string, Record<string, Json>>;
  for (const r of routes) {
    if (!r.body && !r.query) continue;
    const [method = '', path = ''] = operationOf(r).split(' ');
    const op = paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${operationOf(r)} validates a body or query but has no operation in the OpenAPI document`);
    if (r.query) op.parameters = queryParameters((op.parameters ?? []) as Json[], bodySchema(r.query));
    if (!r.body) continue;
    const requestBody = (op.requestBody ?? { required: true, content: {} }) as Json & { content: Record<string, Json> };
    const json = requestBody.content['application/json'] ?? {};
    requestBody.content['application/json'] = { ...json, schema: keepDescriptions(json.schema, bodySchema(r.body)) };
    op.requestBody = requestBody;
  }
  return out;
}
