/**
 * The console is typed against the API: console/src/generated/schema.d.ts is what openapi-typescript
 * makes of server/openapi.json now (`npm run console:types`, which `npm run build` runs first), so a
 * route's change that the console does not follow fails its typecheck, and a stale copy fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the console API types', () => {
  it('are generated from the current server/openapi.json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'warden-console-types-')), 'schema.d.ts');
    execFileSync(process.execPath, [join('node_modules', 'openapi-typescript', 'bin', 'cli.js'), 'server/openapi.json', '-o', out], { stdio: 'ignore' });
    const committed = readFileSync('console/src/generated/schema.d.ts', 'utf8');
    expect(committed).toContain('"/console/session"');
    expect(committed === readFileSync(out, 'utf8'), 'console/src/generated/schema.d.ts is stale: run npm run console:types').toBe(true);
  });
});
