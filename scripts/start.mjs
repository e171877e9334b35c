// `npm start`: the whole system on this machine with one command. Installs and starts what is missing
// (PostgreSQL, Redis, RabbitMQ, nginx); builds; migrates and seeds; runs every service (booking as
// BOOKING_REPLICAS instances, default 3) and nginx as the gateway on :8080 under one supervisor
// (scripts/lib/supervisor.ts: a process that exits is restarted with backoff while the others keep running; services
// start after auth is ready, the gateway after every service is); prints the URL. Ctrl-C, or `npm stop` from another
// terminal, stops all of it.
// `npm run dev` (--dev) is the same with the TypeScript sources under `tsx watch` instead of a build.
// Runs through tsx (`node --import tsx`, as the npm scripts do): the topology and the gateway renderer are TypeScript.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { GATEWAY_PORT, ROOT, SERVICES, bookingReplicas, instancePorts, serviceEnv } from '../system/topology.ts';
import { nativeGatewayOptions } from '../gateway/render.ts';
import { nginxArgs, nginxBinary, testNginxConfig, writeNginxConfig } from '../gateway/nginx.ts';
import { entryCommand, migrateAll } from './migrate.mjs';
import { Supervisor } from './lib/supervisor.ts';

const RUN_DIR = path.join(ROOT, '.run');
export const PID_FILE = path.join(RUN_DIR, 'system.json');

await main();

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

  // 6. Run everything under the supervisor. Every service but auth starts once auth is ready (they fetch its
  // signing keys at start-up and do not retry a failed fetch for 30 s); the gateway once every instance it routes
  // to answers /health/ready, so it never answers 502 for a service that is still starting.
  const processes = [];
  for (const spec of SERVICES) {
    const command = entryCommand(spec.name, 'server', { source: dev, watch: dev });
    if (!command) fail(`${spec.name}: no ${dev ? 'src/server.ts' : 'dist/server.js'}; every service must be there`);
    const portsOf = instancePorts(spec, replicas);
    portsOf.forEach((port, i) => {
      const [bin, ...args] = command;
      processes.push({
        name: portsOf.length > 1 ? `${spec.name}-${i + 1}` : spec.name,
        command: bin,
        args,
        env: { ...env, ...instanceEnv(spec, port) },
        cwd: ROOT,
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
        after: spec.name === 'auth' ? [] : ['auth'],
      });
    });
  }
  processes.push({
    name: 'gateway',
    command: nginx,
    args: nginxArgs(gatewayOptions.runDir, configPath),
    env,
    cwd: ROOT,
    readyUrl: `http://127.0.0.1:${gatewayPort}/healthz`,
    after: processes.map((p) => p.name),
    // nginx: SIGQUIT is the graceful stop (finish requests in flight); SIGTERM drops them.
    stopSignal: 'SIGQUIT',
  });

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

  step(`starting ${processes.length - 1} service process(es), then the gateway once they are ready`);
  const width = Math.max(...processes.map((p) => p.name.length));
  const colors = [36, 32, 33, 35, 34, 37];
  const colorOf = new Map(processes.map((p, i) => [p.name, colors[i % colors.length]]));
  const tty = process.stdout.isTTY;
  const url = `http://localhost:${gatewayPort}`;
  const startedAt = new Date().toISOString();
  const record = (children = []) =>
    writeFileSync(PID_FILE, JSON.stringify({ pid: process.pid, url, startedAt, ports, children }, null, 2));
  const supervisor = new Supervisor(processes, {
    output: (name, line) => {
      const prefix = `[${name.padEnd(width)}]`;
      process.stdout.write(`${tty ? `\x1b[${colorOf.get(name)}m${prefix}\x1b[0m` : prefix} ${line}\n`);
    },
    log: (line) => (line.startsWith('✗') ? console.error(`\n${line}`) : console.log(`\n${line}`)),
    // npm stop reads these: should this runner ever be killed outright, it can still stop what it started.
    onPids: (children) => record(children.map((c) => ({ ...c, command: processes.find((p) => p.name === c.name)?.command }))),
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n▸ ${signal}: stopping every service and the gateway`);
      supervisor.stop().then(() => {
        console.log('✓ stopped');
        process.exit(0);
      });
    });
  }
  record();

  const deadline = Date.now() + 90_000;
  supervisor.start().then(async () => {
    const gatewayReady = await waitReady(`http://127.0.0.1:${gatewayPort}/healthz`, deadline);
    if (stopping) return;
    const late = supervisor
      .status()
      .filter((s) => !s.ready && s.name !== 'gateway')
      .map((s) => s.name);
    if (late.length > 0) console.warn(`\n! not ready after 90 s: ${late.join(', ')} (see their output above)`);
    if (!gatewayReady) console.warn('\n! the gateway did not answer /healthz (see its output above)');
    console.log(
      `\n✓ Rail is running at ${url}  (API: ${url}/api/..., booking replicas: ${replicas})\n` +
        '  A process that exits is restarted with backoff while the others keep running; a crash loop is reported here.\n' +
        '  Stop: Ctrl-C here, or `npm stop` from another terminal. Gateway access log: .run/nginx/logs/access.log\n',
    );
  });
}
