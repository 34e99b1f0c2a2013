import { defineConfig } from 'vitest/config';

// One Temporal dev server for the whole run (test/global-setup.ts). The replay project runs
// after the suite, so it replays the histories the suite produced.
// expect.poll waits on workflows making progress: its default (1 s) is shorter than a workflow task
// takes on a loaded 2-core CI machine, so a poll without its own timeout gets 15 s.
const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' as const, expect: { poll: { timeout: 15_000, interval: 100 } } };

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { test: { ...common, name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/replay/**'], sequence: { groupOrder: 0 } } },
      { test: { ...common, name: 'replay', include: ['test/replay/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
