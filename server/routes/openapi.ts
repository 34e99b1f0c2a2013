import spec from '../openapi.json' with { type: 'json' };
import type { Route } from '../router.js';

/**
 * The OpenAPI 3.1 description of the API (server/openapi.json). Imported as a JSON module, so
 * the build emits it beside the compiled server (dist/server/openapi.json) and it is parsed
 * once, at load; every request gets the same serialized text.
 */
const TEXT = JSON.stringify(spec);

/** GET /openapi.json */
export function openapiRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/openapi.json',
      async handle(_req, res) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(TEXT), 'cache-control': 'no-cache' });
        res.end(TEXT);
      },
    },
  ];
}
