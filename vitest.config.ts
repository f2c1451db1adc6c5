import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources ("source" export condition), not to dist/.
const conditions = ['source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest would run one file at a time on two cores (CPUs − 1); most files wait on
    // PostgreSQL, a browser or a CLI process much of the time, so two at once use the machine.
    maxWorkers: 2,
    minWorkers: 1,
    // Each worker keeps its modules from one file to the next: importing the server's
    // graph afresh took 10–20 s before each file on this machine (165 s of a 1,101 s run).
    isolate: false,
    globalSetup: ['vitest.global-setup.ts'],
    // expect.poll waits 1 s by default: a screen that a busy machine draws in 1.5 s is not wrong.
    // A test that checks nothing fails (requireAssertions).
    expect: { requireAssertions: true, poll: { timeout: 15_000 } },
  },
});
