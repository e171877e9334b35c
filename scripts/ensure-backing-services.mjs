#!/usr/bin/env node
// Makes sure this machine has what the project runs on: PostgreSQL, Redis and RabbitMQ answering on
// localhost and nginx for the gateway; with --tests also the tools the tests use (docker-compose), with
// --browser also Chromium and a Bengali font for the browser tests. Installs what is missing (root or
// passwordless sudo, with apt-get) and starts what is stopped; else prints the command to run and exits 1.
// The rules live in scripts/lib/system-setup.ts, so this runs through tsx: `node --import tsx`.
// Used by `npm start`, and with --tests by `npm test` and `npm run test:e2e` (so by .ci/run).
import { ensureSystem } from './lib/system-setup.ts';

const flags = { '--tests': 'tests', '--browser': 'browser' };
const groups = [
  'services',
  'gateway',
  ...Object.entries(flags).flatMap(([flag, group]) => (process.argv.includes(flag) ? [group] : [])),
];
if (!(await ensureSystem({ groups }))) process.exit(1);
