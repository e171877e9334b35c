#!/usr/bin/env node
// Makes sure PostgreSQL, Redis and RabbitMQ answer on localhost. A service that is installed but stopped
// is started with the command that works on a Debian machine; one that is missing stops the caller with a
// message saying what to install. Used by `npm test`, `npm start` and .ci/run.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: Number(process.env.PGPORT ?? 5432),
    installed: () => existsSync('/etc/postgresql') && readdirSync('/etc/postgresql').length > 0,
    start: () => {
      const version = readdirSync('/etc/postgresql').sort().at(-1);
      execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: 'inherit' });
    },
    install: 'apt-get install postgresql (trust auth for user postgres on 127.0.0.1)',
  },
  {
    name: 'Redis',
    port: 6379,
    installed: () => commandExists('redis-server'),
    start: () => {
      execSync('mkdir -p /var/lib/redis /var/log/redis', { stdio: 'inherit' });
      execSync(
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
        { stdio: 'inherit' },
      );
    },
    install: 'apt-get install redis-server',
  },
  {
    name: 'RabbitMQ',
    port: 5672,
    installed: () => commandExists('rabbitmq-server'),
    start: () => {
      execSync('rabbitmq-server -detached', { stdio: 'inherit' });
      execSync('rabbitmqctl await_startup --timeout 120', { stdio: 'inherit' });
    },
    install: 'apt-get install rabbitmq-server',
  },
];

function commandExists(command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function reachable(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

let failed = false;
for (const service of services) {
  if (await reachable(service.port)) continue;
  if (!service.installed()) {
    console.error(
      `✗ ${service.name} is not running on 127.0.0.1:${service.port} and is not installed. Install it: ${service.install}`,
    );
    failed = true;
    continue;
  }
  console.log(`… ${service.name} is installed but stopped; starting it`);
  try {
    service.start();
  } catch (err) {
    console.error(`✗ could not start ${service.name}: ${err.message}`);
    failed = true;
    continue;
  }
  if (!(await waitFor(service.port, 60))) {
    console.error(`✗ ${service.name} did not come up on port ${service.port}`);
    failed = true;
  } else console.log(`✓ ${service.name} started`);
}
if (failed) process.exit(1);
