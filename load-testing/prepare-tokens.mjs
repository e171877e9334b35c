// Prepares tokens for the load scenarios (see lib/tokens.mjs).
// Usage: node load-testing/prepare-tokens.mjs --users 10000 [--concurrency 16] [--min-valid 12]
import { parseArgs } from 'node:util';
import { prepareTokens } from './lib/tokens.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    'min-valid': { type: 'string', default: '12' },
    password: { type: 'string', default: 'password123' },
  },
});
try {
  await prepareTokens({
    users: Number(values.users),
    concurrency: Number(values.concurrency),
    minValidMinutes: Number(values['min-valid']),
    password: values.password,
  });
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
