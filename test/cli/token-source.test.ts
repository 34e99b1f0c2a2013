import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../server/app.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';

/**
 * A 401 says where the CLI read its token: a second terminal in a checkout with a stale .warden/
 * sends that directory's admin token to a server that does not know it. The server here refuses
 * every bearer, as the real one refuses a token it has no hash of.
 */
describe('a 401 names the state dir the token was read from', { timeout: 90_000 }, () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
    });
    url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  });
  afterAll(() => server.close());

  const staleDir = (token: string): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'warden-stale-')), '.warden');
    mkdirSync(dir);
    writeFileSync(join(dir, 'admin-token'), `${token}\n`);
    return dir;
  };

  it('a token from WARDEN_STATE_DIR: the file and the state dir, never the token', async () => {
    const token = 'wdn_stale-token-from-another-checkout';
    const dir = staleDir(token);
    for (const args of [
      ['incidents', 'list'],
      ['offboard', 'status', 'dana'],
    ]) {
      const r = await spawnCli(args, cleanEnv({ WARDEN_URL: url, WARDEN_STATE_DIR: dir })).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^warden: 401 unauthorized/);
      expect(r.stderr).toContain(`token read from ${join(dir, 'admin-token')} (state dir ${dir}, from WARDEN_STATE_DIR)`);
      expect(r.stderr).not.toContain(token);
    }
    expect(seen.at(-1)).toBe(`Bearer ${token}`);
  });

  it('the default state dir: says WARDEN_STATE_DIR is not set and which directory that was', async () => {
    const dir = staleDir('wdn_default-dir-token');
    const cwd = join(dir, '..');
    const r = await spawnCli(['incidents', 'list'], cleanEnv({ WARDEN_URL: url }), { cwd }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`token read from ${join(dir, 'admin-token')} (state dir ${dir}, the default: WARDEN_STATE_DIR is not set)`);
  });

  it('WARDEN_TOKEN: says so; no token at all: says where it looked', async () => {
    const fromEnv = await spawnCli(['incidents', 'list'], cleanEnv({ WARDEN_URL: url, WARDEN_TOKEN: 'tok-from-env-123', WARDEN_STATE_DIR: staleDir('x') })).done;
    expect(fromEnv.stderr).toContain('token read from WARDEN_TOKEN was not accepted');
    expect(fromEnv.stderr).not.toContain('tok-from-env-123');
    const empty = join(mkdtempSync(join(tmpdir(), 'warden-empty-')), 'state');
    const none = await spawnCli(['incidents', 'list'], cleanEnv({ WARDEN_URL: url, WARDEN_STATE_DIR: empty })).done;
    expect(none.stderr).toContain(`no API token: none in WARDEN_TOKEN, none in ${join(empty, 'admin-token')} (state dir ${empty}, from WARDEN_STATE_DIR)`);
  });
});
