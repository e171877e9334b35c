// Running nginx as an ordinary process with everything under one directory (config, pid, temp, cache,
// logs): used by scripts/start.mjs and the gateway tests. When started by root, the workers drop to
// nobody (the `user` directive the renderer emits), so their writable directories are handed to nobody.
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { renderGatewayConfig, type GatewayOptions } from './render.js';

const NOBODY = 65534;

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return 'nginx';
  } catch {
    throw new Error('nginx is not installed: apt-get install nginx-light (Debian/Ubuntu)');
  }
}

/**
 * Writes the rendered config to <runDir>/conf/nginx.conf for a gateway about to start, and creates the
 * writable directories. The micro-cache starts empty: it lives on disk, and a new gateway answering from the
 * previous run's entries (served stale while the upstream is down) would report services as up before they
 * are.
 */
export function writeNginxConfig(options: GatewayOptions): string {
  const { runDir } = options;
  const confDir = path.join(runDir, 'conf');
  const writable = ['client_body_temp', 'proxy_temp', 'fastcgi_temp', 'uwsgi_temp', 'scgi_temp', 'micro_cache', 'logs'];
  rmSync(path.join(runDir, 'micro_cache'), { recursive: true, force: true });
  mkdirSync(confDir, { recursive: true });
  for (const dir of writable) mkdirSync(path.join(runDir, dir), { recursive: true });
  if (options.user && process.getuid?.() === 0) {
    for (const dir of writable) chownSync(path.join(runDir, dir), NOBODY, NOBODY);
  }
  const configPath = path.join(confDir, 'nginx.conf');
  writeFileSync(configPath, renderGatewayConfig(options));
  return configPath;
}

/** Arguments for `nginx` to run this config in the foreground, with errors on stderr. */
export function nginxArgs(runDir: string, configPath: string): string[] {
  return ['-p', runDir, '-c', configPath, '-e', 'stderr'];
}

/** `nginx -t` on a rendered config; throws with nginx's own message when it is invalid. */
export function testNginxConfig(runDir: string, configPath: string): void {
  try {
    execFileSync(nginxBinary(), [...nginxArgs(runDir, configPath), '-t', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const failure = err as Error & { stderr?: Buffer };
    const stderr = failure.stderr?.toString() ?? '';
    throw new Error(`nginx rejected ${configPath}:\n${stderr || failure.message}`);
  }
}
