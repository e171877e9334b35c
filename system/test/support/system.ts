/**
 * startSystem(): the real services behind the real nginx, for whole-system tests through the gateway.
 * Each run gets its own PostgreSQL databases (dropped afterwards), Redis key prefix (its keys deleted
 * afterwards) and RabbitMQ exchange (deleted afterwards), so it never touches anyone else's data. Services
 * run from their TypeScript sources (no build), on free ports, with the environment the native run uses
 * (system/topology.ts). Every service must be there: a missing one fails to start, and so fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EVENT_TYPES } from '@rail/contracts/events';
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import { createTestDatabase, type TestDatabase } from '@rail/db';
import { createRedis } from '@rail/redis';
import { ROOT, SERVICES, serviceEnv, type ServiceName, type ServiceSpec } from '../../topology.js';
import type { GatewaySettings, Upstreams } from '../../../gateway/render.js';
import net from 'node:net';
import { startGateway, type GatewayHandle } from '../../../gateway/test/support/gateway.js';

export interface Instance {
  service: ServiceName;
  port: number;
  url: string;
  /** Last lines the process wrote, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface SystemOptions {
  /** Services to run (default: all of them). */
  services?: ServiceName[];
  bookingReplicas?: number;
  /** Gateway settings over generous test defaults. */
  settings?: Partial<GatewaySettings>;
  /** Extra environment for every service (e.g. HOLD_TTL_SECONDS). */
  env?: Record<string, string>;
  /** Seed before the services start: the catalogue into train's database, the operator account into auth's. */
  seed?: boolean;
}

export interface RunningSystem {
  url: string;
  gateway: GatewayHandle;
  /** The services this system runs. */
  services: ServiceName[];
  instances: Instance[];
  amqpExchange: string;
  redisKeyPrefix: string;
  /** Stops every instance of one service (to test the gateway's answer when it is down). */
  stopService: (name: ServiceName) => Promise<void>;
  stop: () => Promise<void>;
}

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function startProcess(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => lines.join('\n') };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const runId = randomBytes(4).toString('hex');
  const wanted = options.services ?? SERVICES.map((s) => s.name);
  const specs = SERVICES.filter((s) => wanted.includes(s.name));
  const replicas = options.bookingReplicas ?? 2;
  const redisKeyPrefix = `gwtest:${runId}:`;
  const amqpExchange = `rail.gwtest.${runId}`;
  const queuePrefix = `gwtest-${runId}`;

  const databases: TestDatabase[] = [];
  const instances: Instance[] = [];
  let gateway: GatewayHandle | undefined;

  const cleanup = async () => {
    await gateway?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all(databases.map((d) => d.drop()));
    const redis = createRedis(REDIS_URL, { name: 'gateway-test-cleanup' });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisKeyPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    // Consumers that take QUEUE_PREFIX (notification) declared `<prefix>.<event>` queues with retries and a DLQ.
    const queues = specs.flatMap((spec) =>
      EVENT_TYPES.flatMap((type) => consumerQueueNames(`${queuePrefix}.${spec.name}.${type.replace('.', '-')}`)),
    );
    await deleteTopology(AMQP_URL, { exchange: amqpExchange, queues });
  };

  try {
    // Ports first: every service must know where the others are before any of them starts.
    const ports = new Map<ServiceName, number[]>();
    for (const spec of specs) {
      const count = spec.replicated ? replicas : 1;
      const list: number[] = [];
      for (let i = 0; i < count; i++) list.push(await servicePort());
      ports.set(spec.name, list);
    }
    const dbNames: Partial<Record<ServiceName, string>> = {};
    for (const spec of specs.filter((s) => s.database)) {
      const db = await createTestDatabase(`${spec.name}_gw`);
      databases.push(db);
      dbNames[spec.name] = new URL(db.url).pathname.slice(1);
    }
    const envFor = (spec: ServiceSpec, port: number) => ({
      ...serviceEnv(spec, {
        port,
        nodeEnv: 'test',
        logLevel: 'warn',
        postgresUrl: POSTGRES,
        databases: dbNames,
        redisUrl: REDIS_URL,
        redisKeyPrefix: `${redisKeyPrefix}${spec.name}:`,
        amqpUrl: AMQP_URL,
        amqpExchange,
        otpDevEcho: true,
        // A service that is not running gets an address nothing listens on, so calls fail fast.
        serviceUrl: (name) => `http://127.0.0.1:${ports.get(name)?.[0] ?? 9}`,
      }),
      // Own queue names, so this run never competes with a development system for messages.
      QUEUE_PREFIX: `${queuePrefix}.${spec.name}`,
      ...options.env,
    });

    // Each seeded service with its own environment (its own DATABASE_URL): the catalogue, and auth's operator.
    for (const seeded of options.seed ? specs.filter((s) => s.name === 'train' || s.name === 'auth') : []) {
      const seed = startProcess([path.join(ROOT, 'scripts', 'seed.mjs'), seeded.name], envFor(seeded, seeded.port));
      const code = await new Promise<number | null>((resolve) => seed.child.once('exit', resolve));
      if (code !== 0) throw new Error(`seeding ${seeded.name} failed:\n${seed.output()}`);
    }

    const launch = async (group: ServiceSpec[]) => {
      const started: Instance[] = [];
      for (const spec of group) {
        for (const port of ports.get(spec.name) ?? []) {
          const entry = path.join(ROOT, 'services', spec.name, 'src', 'server.ts');
          const { child, output } = startProcess(['--import', 'tsx', '--conditions=@rail/source', entry], envFor(spec, port));
          started.push({ service: spec.name, port, url: `http://127.0.0.1:${port}`, output, stop: () => stopProcess(child) });
        }
      }
      instances.push(...started);
      await Promise.all(
        started.map((i) =>
          waitUntilServing(i, 90_000).catch((err: Error) => {
            throw new Error(`${i.service}:${i.port} did not become ready: ${err.message}\n${i.output()}`);
          }),
        ),
      );
    };
    // Auth first: the others fetch its signing keys at start-up, and a failed fetch is not retried for 30 s.
    await launch(specs.filter((s) => s.name === 'auth'));
    await launch(specs.filter((s) => s.name !== 'auth'));

    // Services that are not running still get an upstream (a port nothing listens on): the gateway answers 502.
    const upstreams = Object.fromEntries(
      SERVICES.map((spec) => {
        const list = ports.get(spec.name) ?? [9];
        return [spec.name, list.map((p) => `127.0.0.1:${p}`)];
      }),
    ) as Upstreams;
    gateway = await startGateway({
      upstreams,
      settings: {
        apiAddrRate: '1000r/s',
        apiAddrBurst: 2000,
        apiUserRate: '1000r/s',
        apiUserBurst: 2000,
        strictRate: '100r/s',
        strictBurst: 200,
        selectAddrRate: '1000r/s',
        selectAddrBurst: 2000,
        selectUserRate: '100r/s',
        selectUserBurst: 200,
        ...options.settings,
      },
    });
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }

  const running = gateway;
  return {
    url: running.url,
    gateway: running,
    services: specs.map((s) => s.name),
    instances,
    amqpExchange,
    redisKeyPrefix,
    stopService: async (name) => {
      await Promise.all(instances.filter((i) => i.service === name).map((i) => i.stop()));
    },
    stop: cleanup,
  };
}

/** Ports handed out by this process: two services of one run never share one. */
const handedOut = new Set<number>();

/**
 * A free port for a service, below the kernel's ephemeral range (32768-60999 here): a port found by listening on
 * port 0 is closed again before the service binds it, and in that gap a parallel test file's server listening on
 * port 0 could take it; it would then answer our readiness probe (CI once saw every notification route answer 404
 * from another test's app). Ports below the range are never handed out by listen(0).
 */
async function servicePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls /health/ready until it is 200 from this very instance (x-served-by names its service and port). */
async function waitUntilServing(instance: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${instance.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      const servedBy = res.headers.get('x-served-by') ?? '';
      if (res.status === 200 && servedBy.startsWith(`${instance.service}@`) && servedBy.endsWith(`:${instance.port}`)) return;
      last = `status ${res.status}, x-served-by ${JSON.stringify(servedBy)}`;
      // Someone else answers on our port: waiting will not change that.
      if (servedBy !== '' && !servedBy.startsWith(`${instance.service}@`)) break;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${instance.url}/health/ready did not answer as ${instance.service}: ${last}`);
}
