#!/usr/bin/env node
// Makes sure this machine has what the project runs on: PostgreSQL, Redis and RabbitMQ answering on
// localhost and nginx for the gateway; with --browser also Chromium and a Bengali font for the browser
// tests. Installs what is missing (root or passwordless sudo, with apt-get) and starts what is stopped;
// else prints the command to run and exits 1. The rules live in scripts/lib/system-setup.mjs.
// Used by `npm start`, `npm test`, `npm run test:e2e`, the browser tests and .ci/run.
import { ensureSystem } from './lib/system-setup.mjs';

const groups = ['services', 'gateway', ...(process.argv.includes('--browser') ? ['browser'] : [])];
if (!(await ensureSystem({ groups }))) process.exit(1);
