import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../http-json.js';
import type { Route } from '../router.js';

/** The package root: the nearest folder above this module with a package.json (the same from dist/ and from the sources). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm run build` puts the console (vite, console/vite.config.ts). */
export const CONSOLE_DIST = join(packageRoot(), 'dist', 'console');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Same origin only: scripts, styles, fetches and images from this server; no framing. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const SECURITY = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/**
 * GET /console (the page) and /console/assets/<file> (its hashed scripts and styles), read from
 * the built folder; 503 naming the fix when the console was not built. Nothing from a CDN.
 */
export function consoleStaticRoutes(dir: string = CONSOLE_DIST): Route[] {
  const root = resolve(dir);
  const send = (file: string, cache: string): Route['handle'] =>
    async function (_req, res) {
      if (!existsSync(join(root, 'index.html'))) throw new HttpError(503, `the console is not built (no ${join(root, 'index.html')}): run npm run build`);
      const path = resolve(root, file);
      if (!path.startsWith(root + '/') || !existsSync(path)) throw new HttpError(404, `no console file ${file}`);
      const body = readFileSync(path);
      const type = TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': cache, ...SECURITY });
      res.end(body);
    };
  const page = send('index.html', 'no-cache');
  return [
    { method: 'GET', path: '/console', handle: page },
    { method: 'GET', path: '/console/', handle: page },
    {
      method: 'GET',
      path: '/console/assets/:file',
      handle: (req, res, params, reply) => {
        if (!/^[A-Za-z0-9._-]+$/.test(params.file ?? '') || params.file!.startsWith('.')) throw new HttpError(404, 'no such console file');
        return send(join('assets', params.file!), 'public, max-age=31536000, immutable')(req, res, params, reply);
      },
    },
  ];
}
