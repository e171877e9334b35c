// Component and client tests for the SPA, run in jsdom. The root vitest config lists this folder as the
// `frontend` project; `npx vitest run --project frontend` runs only these.
import { defineProject } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineProject({
  plugins: [react()],
  resolve: { conditions: ['@rail/source'] },
  test: {
    name: 'frontend',
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    env: { NODE_ENV: 'test' },
  },
});
