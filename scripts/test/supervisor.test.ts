/**
 * scripts/lib/supervisor.ts with real child processes (small `node -e` programs): a killed process is restarted
 * with a growing delay and the others keep their pids; a process that keeps exiting is reported as a crash loop
 * and still restarted at the capped delay; a process starts only after the ones it depends on are ready; a stop
 * ends everything, restarted processes included, with SIGKILL for one that ignores SIGTERM, and restarts nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, backoffMs, describeExit, type ProcessSpec, type SupervisorOptions } from '../lib/supervisor.js';

const node = process.execPath;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A process that runs until it is signalled. */
const forever = (name: string, extra: Partial<ProcessSpec> = {}): ProcessSpec => ({
  name,
  command: node,
  args: ['-e', 'setInterval(() => {}, 1000); console.log("up")'],
  ...extra,
});

/** A server that answers 200 on / once `delayMs` after it starts: a service that becomes ready later. */
const readyAfter = (name: string, port: number, delayMs: number): ProcessSpec => ({
  name,
  command: node,
  args: [
    '-e',
    `setTimeout(() => require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'), ${delayMs})`,
  ],
  readyUrl: `http://127.0.0.1:${port}/`,
});

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

let running: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

function supervise(specs: ProcessSpec[], options: SupervisorOptions = {}) {
  const lines: string[] = [];
  const output: string[] = [];
  const pids: { name: string; pid: number }[][] = [];
  const supervisor = new Supervisor(specs, {
    initialBackoffMs: 100,
    maxBackoffMs: 400,
    stableAfterMs: 5_000,
    pollMs: 20,
    stopTimeoutMs: 1_000,
    log: (line) => lines.push(line),
    output: (name, line) => output.push(`${name}: ${line}`),
    onPids: (p) => pids.push(p),
    ...options,
  });
  running.push(supervisor);
  const pid = (name: string) => supervisor.status().find((s) => s.name === name)?.pid ?? null;
  return { supervisor, lines, output, pids, pid };
}

describe('backoff', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((n) => backoffMs(n, 500, 30_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(describeExit(1, null)).toBe('exit code 1');
    expect(describeExit(null, 'SIGKILL')).toBe('signal SIGKILL');
  });
});

describe('supervisor', () => {
  it('restarts a killed process, says how it ended, and leaves the others running', async () => {
    const { supervisor, lines, output, pid, pids } = supervise([forever('a'), forever('b'), forever('c')]);
    await supervisor.start();
    await until(() => output.filter((l) => l.endsWith(': up')).length === 3);
    const before = { a: pid('a'), b: pid('b'), c: pid('c') };
    process.kill(before.b as number, 'SIGKILL');
    await until(() => pid('b') !== null && pid('b') !== before.b);
    expect(pid('a')).toBe(before.a);
    expect(pid('c')).toBe(before.c);
    expect(alive(before.a as number) && alive(before.c as number)).toBe(true);
    expect(lines.find((l) => l.includes('✗ b exited'))).toMatch(/signal SIGKILL.*restarting in 0\.1 s \(restart 1\)/);
    expect(lines.some((l) => l.startsWith('✓ b is back'))).toBe(true);
    // npm stop learns the new pid.
    expect(pids.at(-1)?.find((p) => p.name === 'b')?.pid).toBe(pid('b'));
    expect(supervisor.status().find((s) => s.name === 'b')).toMatchObject({ restarts: 1, crashLooping: false });
  });

  it('reports a crash loop and keeps restarting at the capped delay', async () => {
    const crashing: ProcessSpec = { name: 'crashy', command: node, args: ['-e', 'process.exit(3)'] };
    const { supervisor, lines } = supervise([crashing, forever('steady')], { crashLoop: { restarts: 3, windowMs: 10_000 } });
    const started = Date.now();
    await supervisor.start();
    await until(() => supervisor.status().find((s) => s.name === 'crashy')!.restarts >= 5);
    const exits = lines.filter((l) => l.startsWith('✗ crashy exited'));
    expect(exits[0]).toContain('exit code 3');
    // 100, 200, 400, then the 400 ms cap.
    expect(exits.slice(0, 5).map((l) => /restarting in ([\d.]+) s/.exec(l)?.[1])).toEqual(['0.1', '0.2', '0.4', '0.4', '0.4']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100 + 200 + 400 + 400);
    const loops = lines.filter((l) => l.includes('CRASH LOOP: crashy'));
    expect(loops.length).toBeGreaterThanOrEqual(2); // from the third restart on, every time
    expect(loops[0]).toMatch(/exited 3 times in the last 10 s \(last: exit code 3\); still restarting/);
    expect(supervisor.status().find((s) => s.name === 'crashy')?.crashLooping).toBe(true);
    expect(supervisor.status().find((s) => s.name === 'steady')).toMatchObject({ restarts: 0 });
  });

  it('starts the backoff over once a process has run for stableAfterMs', async () => {
    const brief: ProcessSpec = { name: 'brief', command: node, args: ['-e', 'setTimeout(() => process.exit(1), 300)'] };
    const { supervisor, lines } = supervise([brief], { stableAfterMs: 250, maxBackoffMs: 5_000 });
    await supervisor.start();
    await until(() => lines.filter((l) => l.startsWith('✗ brief exited')).length >= 3);
    const delays = lines.filter((l) => l.startsWith('✗ brief exited')).map((l) => /restarting in ([\d.]+) s/.exec(l)?.[1]);
    expect(delays.slice(0, 3)).toEqual(['0.1', '0.1', '0.1']);
  });

  it('starts a process only after the ones it depends on are ready', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const spawnedAt = new Map<string, number>();
    const { supervisor } = supervise(
      [readyAfter('svc-1', p1, 300), readyAfter('svc-2', p2, 600), forever('gateway', { after: ['svc-1', 'svc-2'] })],
      { onPids: (pids) => pids.forEach((p) => spawnedAt.has(p.name) || spawnedAt.set(p.name, Date.now())) },
    );
    const started = Date.now();
    await supervisor.start();
    const readyAt = Date.now();
    expect(spawnedAt.get('gateway')).toBeGreaterThanOrEqual(started + 600);
    await expect(fetch(`http://127.0.0.1:${p2}/`).then((r) => r.status)).resolves.toBe(200);
    expect(readyAt - started).toBeLessThan(5_000);
  });

  it('starts a dependant anyway, with a warning, when a dependency is not ready in time', async () => {
    const never: ProcessSpec = { ...forever('never'), readyUrl: `http://127.0.0.1:${await freePort()}/` };
    const { supervisor, lines, pid } = supervise([never, forever('gateway', { after: ['never'] })], {
      dependencyTimeoutMs: 300,
    });
    await supervisor.start();
    expect(pid('gateway')).not.toBeNull();
    expect(lines).toContain('! gateway: starting although never not ready after 0.3 s');
  });

  it('stops everything, restarted processes included, kills one that ignores SIGTERM, and restarts nothing', async () => {
    const stubborn: ProcessSpec = {
      name: 'stubborn',
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")'],
    };
    const { supervisor, lines, output, pid } = supervise([forever('a'), stubborn]);
    await supervisor.start();
    await until(() => output.filter((l) => l.endsWith(': up')).length === 2);
    const first = pid('a') as number;
    process.kill(first, 'SIGKILL');
    await until(() => pid('a') !== null && pid('a') !== first);
    const pids = [pid('a') as number, pid('stubborn') as number];
    const began = Date.now();
    await supervisor.stop();
    expect(Date.now() - began).toBeGreaterThanOrEqual(900); // waited for the stubborn one, then SIGKILL
    for (const p of pids) expect(alive(p)).toBe(false);
    expect(lines).toContain('! stubborn did not stop within 1 s: SIGKILL');
    await sleep(300);
    expect(supervisor.status().every((s) => s.pid === null)).toBe(true);
    expect(lines.filter((l) => l.startsWith('✗ a exited'))).toHaveLength(1); // only the kill -9, not the stop
  });

  it('cancels a pending restart when it is stopped during the backoff', async () => {
    const { supervisor, lines, pid } = supervise([forever('a')], { initialBackoffMs: 500 });
    await supervisor.start();
    process.kill(pid('a') as number, 'SIGKILL');
    await until(() => lines.some((l) => l.startsWith('✗ a exited')));
    await supervisor.stop();
    await sleep(700);
    expect(pid('a')).toBeNull();
  });

  it('refuses unknown dependencies and duplicate names', () => {
    expect(() => new Supervisor([forever('a', { after: ['b'] })])).toThrow(/unknown b/);
    expect(() => new Supervisor([forever('a'), forever('a')])).toThrow(/two processes/);
  });
});
