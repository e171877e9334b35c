// Test runner configuration for the whole repository: workspace sources resolve through the
// `@rail/source` export condition, so tests run the TypeScript sources without a build step.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@rail/source'] },
  ssr: { resolve: { conditions: ['@rail/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
