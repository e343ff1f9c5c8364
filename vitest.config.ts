import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Generous: sandbox runs of the demo take ~2 s of CPU alone, but up to a minute on a machine shared with
    // other test runs; a real hang still fails.
    testTimeout: 300_000,
    hookTimeout: 60_000,
    env: { POWERTOOLS_DEV: 'true', AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_NAMESPACE: 'GmsaReady' },
  },
});
