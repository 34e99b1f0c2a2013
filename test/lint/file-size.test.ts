import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFileSizes } from '../../scripts/check-file-size.mjs';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const tree = (files: Record<string, number>): string => {
  const root = mkdtempSync(join(tmpdir(), 'warden-file-size-'));
  roots.push(root);
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), 'export {};\n'.repeat(lines));
  }
  return root;
};

describe('file size check (npm run lint:size)', () => {
  it('refuses a source file over 300 lines and a test over 450, unless an exception gives the reason and a ceiling', () => {
    const root = tree({
      'engine/short.ts': 300,
      'engine/long.ts': 301,
      'test/long.test.ts': 450,
      'test/longer.test.ts': 451,
      'worker/big.ts': 320,
      'worker/bigger.ts': 360,
      'node_modules/x/huge.js': 5000,
    });
    const exceptions = { 'worker/big.ts': { max: 340, reason: 'r' }, 'worker/bigger.ts': { max: 340, reason: 'r' } };
    expect(checkFileSizes(root, exceptions)).toEqual([
      'engine/long.ts: 301 lines, over the 300-line limit; split it, or add an exception with its reason to scripts/check-file-size.mjs',
      'test/longer.test.ts: 451 lines, over the 450-line limit; split it, or add an exception with its reason to scripts/check-file-size.mjs',
      'worker/bigger.ts: 360 lines, over the 340 its exception allows (r); split it',
    ]);
  });

  it('refuses an exception that is no longer needed', () => {
    const root = tree({ 'cli/main.ts': 20 });
    const exceptions = { 'cli/main.ts': { max: 400, reason: 'r' }, 'cli/gone.ts': { max: 400, reason: 'r' } };
    expect(checkFileSizes(root, exceptions)).toEqual([
      'cli/main.ts: 20 lines, within the 300-line limit now; delete its exception in scripts/check-file-size.mjs',
      'cli/gone.ts: no such file; delete its exception in scripts/check-file-size.mjs',
    ]);
  });
});
