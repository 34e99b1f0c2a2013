import { defineConfig } from 'vitest/config';

// One Temporal dev server for the whole run (test/global-setup.ts). The replay project runs
// after the suite, so it replays the histories the suite produced.
const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { test: { ...common, name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/replay/**'], sequence: { groupOrder: 0 } } },
      { test: { ...common, name: 'replay', include: ['test/replay/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
