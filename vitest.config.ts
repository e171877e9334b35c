// Test runner configuration for the whole repository: workspace sources resolve through the
// `@rail/source` export condition, so tests run the TypeScript sources without a build step.
// Projects: `node` (packages, services, scripts), `e2e` (the gateway through a real nginx, and the whole
// system: topology against compose and Kubernetes, the real services behind the gateway), `frontend` (jsdom).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@rail/source'] },
  ssr: { resolve: { conditions: ['@rail/source'] } },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Load shedding off: it answers by how late the event loop is, which in a test depends on whatever else
    // the machine runs at the time; packages/http/test/overload.test.ts proves it with a loop made late on purpose.
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', OVERLOAD_EVENT_LOOP_DELAY_MS: '0' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['gateway/test/**/*.test.ts', 'system/test/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
      'frontend',
    ],
  },
});
