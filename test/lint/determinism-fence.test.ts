import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The fence is the project's real eslint.config.js, applied to code placed in workflows/. The
// fixture exists only in memory, so the type-aware parser is told to give it the project's tsconfig.
const FIXTURE = 'workflows/fence-fixture.ts';
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: [FIXTURE], defaultProject: 'tsconfig.json' } } },
  },
});
const lintWorkflow = async (code: string) => {
  const [result] = await eslint.lintText(code, { filePath: FIXTURE });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
};

describe('determinism fence (npm run lint)', () => {
  it('rejects Node builtins, provider SDKs, non-workflow Temporal packages and activity values in workflows/', async () => {
    const messages = await lintWorkflow(
      [
        "import { readFileSync } from 'node:fs';",
        "import { randomUUID } from 'crypto';",
        "import { IAMClient } from '@aws-sdk/client-iam';",
        "import { Octokit } from '@octokit/rest';",
        "import { Client } from '@temporalio/client';",
        "import { createActivities } from '../activities/index.js';",
        'export const refs = [readFileSync, randomUUID, IAMClient, Octokit, Client, createActivities, process.env.X];',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toHaveLength(6);
    expect(messages.some((m) => m.startsWith('no-restricted-globals'))).toBe(true);
  });

  it('rejects a floating promise', async () => {
    const messages = await lintWorkflow("import { sleep } from '@temporalio/workflow';\nexport function wf(): void {\n  sleep(1);\n}\n");
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-floating-promises'))).toBe(true);
  });

  it('accepts deterministic workflow code that imports activity types only', async () => {
    const messages = await lintWorkflow(
      [
        "import { proxyActivities, sleep } from '@temporalio/workflow';",
        "import type { WardenActivities } from '../activities/index.js';",
        "const { echo } = proxyActivities<WardenActivities>({ startToCloseTimeout: '1 minute' });",
        "export async function wf(): Promise<string> {\n  await sleep(1);\n  return (await echo({ message: 'x' })).message;\n}",
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});
