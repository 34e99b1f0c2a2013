/**
 * server/openapi.json is generated from the routes: its request bodies (and the query parameters of
 * the routes with a query schema) from the zod schemas the routes validate with (Route.body,
 * server/routes/openapi-bodies.ts), its responses and component schemas from the TypeScript types the
 * routes declare they send (Route.responses, server/api-responses.ts, server/routes/openapi-responses.ts).
 * `npm run openapi` writes them, and this test fails when the committed document differs from what
 * the routes make of it. It also fails when a documented JSON body that a route reads has no schema
 * on the route, or a route that answers JSON declares no response (the exceptions are named below).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationOf, withGeneratedBodies } from '../../server/routes/openapi-bodies.js';
import { responseSchemas, withGeneratedResponses } from '../../server/routes/openapi-responses.js';
import { allApiRoutes } from '../helpers/api-routes.js';

const FILE = 'server/openapi.json';
/** Bodies documented by hand: the senders' payloads (components) and MLflow's webhook. */
const BY_HAND = new Set([
  'POST /v1/alerts',
  'POST /v1/alerts/alertmanager',
  'POST /v1/alerts/guardduty',
  'POST /v1/alerts/github-secret-scanning',
  'POST /v1/alerts/mlflow',
  'POST /codec/encode',
  'POST /codec/decode',
]);
/** Routes that declare no JSON response: what they send is a file, text or a redirect (their errors are still the Error schema). */
const NO_DECLARED_RESPONSE = new Set([
  'GET /metrics', // Prometheus text
  'GET /openapi.json', // this document
  'GET /v1/incidents/{id}/evidence/{stepId}', // a raw evidence file
  'GET /v1/reviews/{id}/report', // the evidence report: JSON, CSV or HTML, as stored
  'GET /console/login', // redirects
  'GET /console/oidc/login',
  'GET /console/oidc/callback',
]);

describe('the OpenAPI document', { timeout: 60_000 }, () => {
  const read = () => JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;
  const routes = allApiRoutes();
  const generated = withGeneratedResponses(withGeneratedBodies(read(), routes), routes, responseSchemas());
  if (process.env.WARDEN_WRITE_OPENAPI === '1')
    writeFileSync(FILE, `${JSON.stringify(generated, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`); // ASCII, as the file was kept
  const committed = read();

  it('has the request bodies, responses and schemas the routes make (npm run openapi writes them)', () => {
    expect(committed, `${FILE} differs from the route schemas: run npm run openapi`).toEqual(generated);
  });

  it('generates every documented JSON request body from a route schema, except the ones documented by hand', () => {
    const paths = committed.paths as Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([m, op]) => (op.requestBody?.content?.['application/json'] ? [`${m.toUpperCase()} ${path}`] : [])));
    const withSchema = new Set(routes.filter((r) => r.body).map(operationOf));
    expect(documented.filter((op) => !withSchema.has(op) && !BY_HAND.has(op))).toEqual([]);
    expect(withSchema.size).toBeGreaterThan(20);
  });

  it('generates the responses of every route that answers JSON, except the ones named here', () => {
    const undeclared = routes.filter((r) => r.method !== 'OPTIONS' && !r.responses).map(operationOf);
    expect(undeclared.filter((op) => !NO_DECLARED_RESPONSE.has(op)).sort()).toEqual([]);
    expect([...NO_DECLARED_RESPONSE].filter((op) => !undeclared.includes(op))).toEqual([]);
  });

  it('answers every error with the Error schema', () => {
    const paths = committed.paths as Record<string, Record<string, { responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }> }>>;
    const components = (committed.components as { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }).responses;
    const declared = new Map(routes.map((r) => [operationOf(r), r.responses ?? {}]));
    const wrong = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([m, op]) =>
        Object.entries(op.responses ?? {}).flatMap(([status, res]) => {
          if (!/^[45]/.test(status) || status in (declared.get(`${m.toUpperCase()} ${path}`) ?? {})) return [];
          const json = (res.$ref ? components[res.$ref.replace('#/components/responses/', '')] : res)?.content?.['application/json'];
          return json?.schema?.$ref === '#/components/schemas/Error' ? [] : [`${m.toUpperCase()} ${path} ${status}`];
        }),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('generates the query parameters of every route that validates its query with a schema; the others are named here', () => {
    const paths = committed.paths as Record<string, Record<string, { parameters?: { in: string }[] }>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([m, op]) => (op.parameters?.some((p) => p.in === 'query') ? [`${m.toUpperCase()} ${path}`] : [])));
    const withSchema = new Set(routes.filter((r) => r.query).map(operationOf));
    expect([...withSchema].sort()).toEqual([
      'GET /v1/incidents',
      'GET /v1/inventory',
      'GET /v1/kpis',
      'GET /v1/offboardings',
      'GET /v1/reviews/{id}/report',
      'GET /v1/reviews/{id}/reviewers',
      'GET /v1/reviews/{id}/reviewers/{reviewer}',
    ]);
    // dry_run on the alert routes, the audit window (checked by hand in server/routes/audit.ts), and the console's login links.
    expect(documented.filter((op) => !withSchema.has(op)).sort()).toEqual(
      [...[...BY_HAND].filter((op) => op.startsWith('POST /v1/alerts')), 'GET /v1/audit', 'GET /console/login', 'GET /console/oidc/callback'].sort(),
    );
  });
});
