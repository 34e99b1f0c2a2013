import { createGenerator } from 'ts-json-schema-generator';
import type { Route } from '../router.js';
import { operationOf } from './openapi-bodies.js';

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file whose ApiResponses names every JSON body the API answers with. */
export const RESPONSES_FILE = 'server/api-responses.ts';

/** A component name OpenAPI accepts (`FollowUpTarget<Alert>` → `FollowUpTarget_Alert`). */
const componentName = (name: string): string => name.replace(/>+$/, '').replace(/[^A-Za-z0-9._-]+/g, '_');

/** Every `#/definitions/X` reference made a component reference. */
function toComponents(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toComponents);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/definitions/') ? `#/components/schemas/${componentName(decodeURIComponent(x.slice(14)))}` : toComponents(x);
  }
  return out;
}

/**
 * The JSON Schema of each body in ApiResponses, by its name there, and of every named type they use:
 * generated from the TypeScript types (ts-json-schema-generator), so the document says what the
 * compiler holds the handlers to. An object has the properties its type names and no others.
 */
export function responseSchemas(tsconfig = 'tsconfig.json'): Record<string, Json> {
  const generator = createGenerator({
    path: RESPONSES_FILE,
    tsconfig,
    type: 'ApiResponses',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: false,
  });
  const { definitions = {} } = generator.createSchema('ApiResponses') as { definitions?: Record<string, Json> };
  const { ApiResponses: root, ...named } = definitions;
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(named)) out[componentName(name)] = toComponents(schema) as Json;
  for (const [name, schema] of Object.entries((root?.properties ?? {}) as Record<string, Json>)) {
    if (schema.$ref !== `#/definitions/${encodeURIComponent(name)}`) out[name] = toComponents(schema) as Json;
  }
  return out;
}

/** The prose of the document's response (its description) kept; the rest is the route's. */
function response(old: unknown, name: string): Json {
  const was = isObject(old) ? old : {};
  const content = isObject(was.content) ? was.content : {};
  const description = typeof was.description === 'string' ? was.description : name;
  return { description, content: { ...content, 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } };
}

/**
 * The document with each route's declared responses (Route.responses) as its operation's, every
 * other error answered with the Error schema, and the component schemas generated from their types. A 2xx the route does not declare is dropped (the
 * route cannot send it); the other statuses (errors, kept as components.responses) stay. The
 * component schemas are the generated ones and, of the others, only those the hand-kept parts of
 * the document still use (the alert senders' payloads, the codec's).
 */
export function withGeneratedResponses(doc: Json, routes: readonly Route[], schemas: Record<string, Json>): Json {
  const out = structuredClone(doc);
  const paths = out.paths as Record<string, Record<string, Json>>;
  for (const op of Object.values(paths).flatMap((ops) => Object.values(ops))) {
    for (const [status, res] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
      // Every error goes through the router's HttpError: its body is the Error schema, whatever the words say.
      if (/^[45]/.test(status) && !res.$ref) res.content = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
    }
  }
  for (const r of routes) {
    if (!r.responses) continue;
    const [method = '', path = ''] = operationOf(r).split(' ');
    const op = paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${operationOf(r)} declares responses but has no operation in the OpenAPI document`);
    const old = (op.responses ?? {}) as Json;
    const declared = Object.entries(r.responses).map(([status, name]) => [status, response(old[status], name)] as const);
    const kept = Object.entries(old).filter(([status]) => !(status in r.responses!) && !status.startsWith('2'));
    op.responses = Object.fromEntries([...declared, ...kept].sort(([a], [b]) => a.localeCompare(b)));
  }
  const components = out.components as { schemas: Record<string, Json> };
  const used = referenced({ paths: out.paths, responses: (out.components as Json).responses }, { ...components.schemas, ...schemas });
  const handKept = Object.entries(components.schemas).filter(([name]) => used.has(name) && !(name in schemas));
  components.schemas = Object.fromEntries([...handKept, ...Object.entries(schemas)].sort(([a], [b]) => a.localeCompare(b)));
  return out;
}

/** The component schemas `v` refers to, and those they refer to in turn. */
function referenced(v: unknown, schemas: Record<string, Json>, seen = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => referenced(x, schemas, seen));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')) {
        const name = x.slice(21);
        if (!seen.has(name)) {
          seen.add(name);
          referenced(schemas[name], schemas, seen);
        }
      } else referenced(x, schemas, seen);
    }
  }
  return seen;
}
