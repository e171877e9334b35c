// `npm start`: the whole system on this machine with one command. Installs and starts what is missing
// (PostgreSQL, Redis, RabbitMQ, nginx); builds; migrates and seeds; runs every service (booking as
// BOOKING_REPLICAS instances, default 3) and nginx as the gateway on :8080 under one process runner
// (concurrently); prints the URL. Ctrl-C, or `npm stop` from another terminal, stops all of it.
// `npm run dev` (--dev) is the same with the TypeScript sources under `tsx watch` instead of a build.
// Runs through tsx (`node --import tsx`, as the npm scripts do): the topology and the gateway renderer are TypeScript.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import concurrently from 'concurrently';
import { GATEWAY_PORT, ROOT, SERVICES, bookingReplicas, instancePorts, serviceEnv, serviceSpec } from '../system/topology.ts';
import { nativeGatewayOptions } from '../gateway/render.ts';
import { nginxArgs, nginxBinary, testNginxConfig, writeNginxConfig } from '../gateway/nginx.ts';
import { entryCommand, migrateAll } from './migrate.mjs';

const RUN_DIR = path.join(ROOT, '.run');
export const PID_FILE = path.join(RUN_DIR, 'system.json');

// Internal mode, used for the commands below: `start.mjs --after <url> <command...>` waits until <url>
// answers 2xx (at most 60 s), then runs the command in its place. Services start after auth this way,
// because they fetch its signing keys at start-up and do not retry a failed fetch for 30 s.
if (process.argv[2] === '--after') {
  const [, , , url, bin, ...args] = process.argv;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const child = spawn(bin, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

async function main() {
  const dev = process.argv.includes('--dev');
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  if (env.OTP_DEV_ECHO === undefined && env.NODE_ENV !== 'production') env.OTP_DEV_ECHO = 'true';

  const step = (message) => console.log(`\n▸ ${message}`);
  const fail = (message) => {
    console.error(`\n✗ ${message}`);
    process.exit(1);
  };

  function run(command, args, options = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env, ...options });
      child.once('error', reject);
      child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${signal ?? `exit ${code}`}`))));
    });
  }

  function portInUse(port) {
    return new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      const done = (used) => {
        socket.destroy();
        resolve(used);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }

  function alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return err.code === 'EPERM';
    }
  }

  async function waitReady(url, deadline) {
    while (Date.now() < deadline) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return true;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    return false;
  }

  // 1. Not running twice; ports free.
  // The pid file is claimed atomically (O_EXCL) before anything starts, so of two `npm start` racing
  // exactly one goes on; a stale file left by a dead runner is replaced.
  mkdirSync(RUN_DIR, { recursive: true });
  const claim = () =>
    writeFileSync(PID_FILE, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx' });
  try {
    claim();
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    let previous = {};
    try {
      previous = JSON.parse(readFileSync(PID_FILE, 'utf8'));
    } catch {
      // unreadable: treat as stale
    }
    if (alive(previous.pid))
      fail(`the system is already running (pid ${previous.pid}, ${previous.url ?? 'starting'}); stop it with: npm stop`);
    rmSync(PID_FILE, { force: true });
    try {
      claim();
    } catch {
      fail('another `npm start` is starting right now; stop it with: npm stop');
    }
  }
  // Remove the pid file on exit only while it is still ours, so no other runner's record is ever erased.
  process.on('exit', () => {
    try {
      if (JSON.parse(readFileSync(PID_FILE, 'utf8')).pid === process.pid) rmSync(PID_FILE, { force: true });
    } catch {
      // already gone
    }
  });
  let replicas;
  try {
    replicas = bookingReplicas(env);
  } catch (err) {
    fail(err.message);
  }
  const gatewayPort = Number(env.GATEWAY_PORT ?? GATEWAY_PORT);
  const ports = [gatewayPort, ...SERVICES.flatMap((s) => instancePorts(s, replicas))];
  for (const port of ports) {
    if (await portInUse(port))
      fail(`port ${port} is already in use; stop whatever listens there (npm stop, if it is this system)`);
  }

  // 2. Backing services and tools.
  step('checking PostgreSQL, Redis, RabbitMQ and nginx');
  await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'ensure-backing-services.mjs')]).catch(() =>
    fail('this machine lacks what the system runs on (see above)'),
  );
  let nginx;
  try {
    nginx = nginxBinary();
  } catch (err) {
    fail(err.message);
  }

  // 3. Build.
  if (!dev) {
    step('building the services (tsc -b)');
    await run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b']).catch(() =>
      fail('the TypeScript build failed (see above)'),
    );
  }
  step('building the frontend');
  await run('npm', ['run', 'build', '-w', 'frontend']).catch(() =>
    console.warn('! the frontend build failed; the gateway serves the API, and / answers 404 until it builds'),
  );

  // 4. Migrate and seed.
  step('migrating databases');
  await migrateAll({ source: dev }).catch((err) => fail(err.message));
  step('seeding');
  await run(process.execPath, [path.join(ROOT, 'scripts', 'seed.mjs')]).catch((err) =>
    console.warn(`! seeding failed (${err.message}); the system runs with whatever data is there`),
  );

  // 5. Gateway config.
  step(`rendering the gateway config (booking replicas: ${replicas})`);
  const gatewayOptions = nativeGatewayOptions({ env, replicas, port: gatewayPort });
  const configPath = writeNginxConfig(gatewayOptions);
  try {
    testNginxConfig(gatewayOptions.runDir, configPath);
  } catch (err) {
    fail(err.message);
  }

  // 6. Run everything.
  // Shell-quote only when needed: concurrently strips quotes that wrap a whole command string.
  const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const commands = [];
  const readiness = [];
  for (const spec of SERVICES) {
    const command = entryCommand(spec.name, 'server', { source: dev, watch: dev });
    if (!command) fail(`${spec.name}: no ${dev ? 'src/server.ts' : 'dist/server.js'}; every service must be there`);
    const portsOf = instancePorts(spec, replicas);
    portsOf.forEach((port, i) => {
      commands.push({
        name: portsOf.length > 1 ? `${spec.name}-${i + 1}` : spec.name,
        command: afterAuth(spec, command).map(quote).join(' '),
        env: instanceEnv(spec, port),
        cwd: ROOT,
      });
      readiness.push({ name: `${spec.name}:${port}`, url: `http://127.0.0.1:${port}/health/ready` });
    });
  }
  commands.push({
    name: 'gateway',
    command: [nginx, ...nginxArgs(gatewayOptions.runDir, configPath)].map(quote).join(' '),
    cwd: ROOT,
  });
  readiness.push({ name: 'gateway', url: `http://127.0.0.1:${gatewayPort}/healthz` });

  /** Every service but auth waits for auth's readiness before it starts (see --after above). */
  function afterAuth(spec, command) {
    if (spec.name === 'auth') return command;
    const authReady = `http://127.0.0.1:${instancePorts(serviceSpec('auth'))[0]}/health/ready`;
    return [process.execPath, '--import', 'tsx', path.join(ROOT, 'scripts', 'start.mjs'), '--after', authReady, ...command];
  }

  /**
   * One instance's environment: the topology's, where variables the developer exported win (REDIS_URL,
   * LOG_LEVEL, ...; anything else, like HOLD_TTL_SECONDS, passes through untouched), except the ones that
   * differ per service or instance.
   */
  function instanceEnv(spec, port) {
    const perInstance = new Set(['PORT', 'DATABASE_URL', 'REDIS_KEY_PREFIX']);
    // replicas: callers of booking get every replica's URL and balance over them (not all on the first one).
    const base = serviceEnv(spec, {
      port,
      nodeEnv: env.NODE_ENV,
      otpDevEcho: env.OTP_DEV_ECHO === 'true',
      replicas: bookingReplicas(env),
    });
    for (const key of Object.keys(base)) {
      if (!perInstance.has(key) && env[key] !== undefined && env[key] !== '') base[key] = env[key];
    }
    return base;
  }

  step(`starting ${commands.length - 1} service process(es) and the gateway`);
  const { result } = concurrently(commands, {
    prefix: 'name',
    padPrefix: true,
    killOthersOn: ['failure', 'success'],
    killTimeout: 15_000,
    prefixColors: ['cyan', 'green', 'yellow', 'magenta', 'blue', 'white'],
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (!stopping) console.log(`\n▸ ${signal}: stopping every service and the gateway`);
      stopping = true;
    });
  }
  const url = `http://localhost:${gatewayPort}`;
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(PID_FILE, JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString(), ports }, null, 2));

  const deadline = Date.now() + 90_000;
  Promise.all(readiness.map(async (r) => ({ ...r, ready: await waitReady(r.url, deadline) }))).then((checked) => {
    const late = checked.filter((c) => !c.ready).map((c) => c.name);
    if (late.length > 0) console.warn(`\n! not ready after 90 s: ${late.join(', ')} (see their output above)`);
    console.log(
      `\n✓ Rail is running at ${url}  (API: ${url}/api/..., booking replicas: ${replicas})\n` +
        `  Stop: Ctrl-C here, or \`npm stop\` from another terminal. Gateway access log: .run/nginx/logs/access.log\n`,
    );
  });

  result.then(
    () => process.exit(0),
    (events) => {
      if (stopping) {
        console.log('✓ stopped');
        process.exit(0);
      }
      const failed = Array.isArray(events) ? events.filter((e) => e.exitCode !== 0 && e.exitCode !== 'SIGINT') : [];
      if (failed.length > 0) console.error(`\n✗ stopped because ${failed.map((e) => e.command.name).join(', ')} exited`);
      process.exit(1);
    },
  );
}
