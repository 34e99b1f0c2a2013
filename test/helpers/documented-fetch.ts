/**
 * `fetch` that holds each answer to server/openapi.json: the operation is found by method and path,
 * the status must be one the operation documents, and a JSON body must validate against the schema
 * documented for that status (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). A mismatch throws, so
 * an API test that goes through it fails where the document lies about what the server sent.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import spec from '../../server/openapi.json' with { type: 'json' };

type Json = { [key: string]: unknown };
interface Documented {
  readonly $ref?: string;
  readonly content?: Record<string, { schema?: Json }>;
}
const doc = spec as unknown as { paths: Record<string, Record<string, { responses?: Record<string, Documented> }>>; components: { responses: Record<string, Documented> } };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi.json', components: spec.components }, 'openapi.json');

const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`), op })),
);

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** Every operation and status whose answer was checked in this file's run. */
export const checked = new Set<string>();

/** The documented answer of `method path` for `status`; throws when the document has none. */
function documented(method: string, pathname: string, status: number): { name: string; json?: Json } {
  const found = operations.find((o) => o.method === method && o.pattern.test(pathname));
  if (!found) throw new Error(`server/openapi.json documents no operation ${method} ${pathname}`);
  const name = `${method} ${found.path} ${status}`;
  const raw = found.op.responses?.[String(status)];
  if (!raw) throw new Error(`server/openapi.json does not document ${name}`);
  const res = raw.$ref ? doc.components.responses[raw.$ref.replace('#/components/responses/', '')] : raw;
  const schema = res?.content?.['application/json']?.schema;
  return { name, ...(schema ? { json: schema } : {}) };
}

/** Checks one answer against the document; the body stays unread for the caller. */
export async function checkDocumented(method: string, url: string, res: Response): Promise<void> {
  const { name, json } = documented(method, new URL(url).pathname, res.status);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) return void checked.add(name);
  if (!json) throw new Error(`${name} answered JSON, and server/openapi.json documents no JSON schema for it`);
  const body: unknown = await res.clone().json();
  const validate = validators.get(name) ?? ajv.compile(JSON.parse(JSON.stringify(json).replaceAll('"#/components/', '"openapi.json#/components/')) as Json);
  validators.set(name, validate);
  if (!validate(body)) throw new Error(`${name}: the body does not match server/openapi.json: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 2000)}`);
  checked.add(name);
}

/** `fetch`, each answer checked against server/openapi.json before it is returned. */
export async function documentedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  await checkDocumented((init.method ?? 'GET').toUpperCase(), url, res);
  return res;
}
