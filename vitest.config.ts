import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { POWERTOOLS_DEV: 'true', AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_NAMESPACE: 'GmsaReady' },
  },
});
