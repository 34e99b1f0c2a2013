import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';
import config from '../../.dependency-cruiser.js';

// The project's real rules (npm run lint:deps), run over tiny trees laid out like the project:
// fixtures/upward has contracts/ importing workflows/ and workflows/ importing activity code,
// fixtures/cycle two cli/ modules importing each other. The main run excludes test/lint/fixtures/.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const tsConfig = extractTSConfig(join(import.meta.dirname, '../../tsconfig.json'));

async function violations(tree: string, folders: string[]): Promise<string[]> {
  const { output } = await cruise(folders, { ...config.options, baseDir: join(FIXTURES, tree), ruleSet: { forbidden: config.forbidden }, validate: true }, {}, { tsConfig });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name} (${v.rule.severity}): ${[v.from, ...(v.cycle ?? []).map((c) => c.name)].join(' → ')}${v.cycle ? '' : ` → ${v.to}`}`).sort();
}

describe('dependency rule (npm run lint:deps)', () => {
  it('refuses an upward import (contracts/ importing workflows/) and activity code in workflows/, not activity types', async () => {
    expect(await violations('upward', ['contracts', 'workflows', 'activities'])).toEqual([
      'contracts-stay-at-the-bottom (error): contracts/incident.ts → workflows/incident.ts',
      'workflows-import-activity-types-only (error): workflows/offboarding.ts → activities/run-action.ts',
    ]);
  });

  it('refuses an import cycle', async () => {
    expect(await violations('cycle', ['cli'])).toEqual(['no-circular (error): cli/commands.ts → cli/usage.ts → cli/commands.ts']);
  });
});
