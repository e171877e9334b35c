/**
 * Runs the real nginx with a config rendered from gateway/nginx.conf.template, on a free loopback port,
 * with everything (pid, temp, cache, logs) in a temporary directory. Used by every gateway test.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nginxArgs, nginxBinary, testNginxConfig, writeNginxConfig } from '../../nginx.js';
import { resolveSettings, type GatewaySettings, type Upstreams } from '../../render.js';

export interface GatewayHandle {
  url: string;
  port: number;
  runDir: string;
  /** Parsed JSON access-log lines written so far. */
  accessLog: () => Record<string, unknown>[];
  stop: () => Promise<void>;
}

export interface StartGatewayOptions {
  upstreams: Upstreams;
  settings?: Partial<GatewaySettings>;
  /** Directory served at `/`; a temporary empty one by default. */
  frontendRoot?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls a URL until it answers (any status) or the deadline passes. */
export async function waitForHttp(
  url: string,
  timeoutMs = 20_000,
  isUp: (status: number) => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (isUp(res.status)) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms: ${String(last)}`);
}

export async function startGateway(options: StartGatewayOptions): Promise<GatewayHandle> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'rail-gateway-'));
  // nginx workers run as nobody when the tests run as root; they must reach the cache and temp dirs.
  chmodSync(runDir, 0o755);
  const frontendRoot = options.frontendRoot ?? path.join(runDir, 'www');
  mkdirSync(frontendRoot, { recursive: true });
  const port = await freePort();
  const accessLogPath = path.join(runDir, 'logs', 'access.log');
  const configPath = writeNginxConfig({
    listen: `127.0.0.1:${port}`,
    runDir,
    frontendRoot,
    mimeTypes: '/etc/nginx/mime.types',
    accessLog: accessLogPath,
    errorLog: path.join(runDir, 'logs', 'error.log'),
    user: process.getuid?.() === 0 ? 'nobody nogroup' : null,
    upstreams: options.upstreams,
    // Two workers, like production: limits and the micro-cache live in shared memory and must hold across them.
    settings: resolveSettings({}, { workerProcesses: '2', exposeServedBy: true, ...options.settings }),
  });
  testNginxConfig(runDir, configPath);
  const child = spawn(nginxBinary(), nginxArgs(runDir, configPath), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForHttp(`${url}/healthz`), exited.then(() => Promise.reject(new Error(`nginx exited: ${stderr}`)))]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    port,
    runDir,
    accessLog: () => {
      try {
        return readFileSync(accessLogPath, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
