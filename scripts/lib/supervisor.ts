// The process supervisor behind `npm start`: runs every service instance and the gateway as child processes,
// restarts one that exits with exponential backoff (and says so, with its exit code or signal), keeps the others
// running, reports a crash loop loudly, and starts a process only once the processes it depends on answer their
// readiness URL (the gateway after every service it routes to, so there is no 502 window at start).
//
// Why not a library: concurrently (which ran the system before) restarts with an uncapped 2^n s delay, a fixed
// number of tries over the whole run and no readiness gating; pm2 and the like are daemons with their own state
// outside the repository. This is the small part of those we need, with its own tests (scripts/test).
//
// Crash-loop policy: never give up. A process that exits is restarted after min(initial x 2^n, max) ms (n: restarts
// since it last ran for `stableAfterMs`); when `crashLoop.restarts` restarts fall within `crashLoop.windowMs`, every
// further restart prints a "CRASH LOOP" line, and it goes on at the capped delay. A service that dies because a
// store is down comes back by itself when the store does, and the loop stays visible on the console meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ProcessSpec {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Answers 2xx once the process is ready (/health/ready); without one it is ready once spawned. */
  readyUrl?: string;
  /** Processes that must be ready before this one starts the first time (a restart does not wait for them). */
  after?: readonly string[];
  /** The signal that stops it gracefully (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
}

export interface SupervisorOptions {
  /** First restart delay (default 500 ms), doubled each restart up to maxBackoffMs (default 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that ran this long since its last start is healthy again: the delay starts over (default 30 s). */
  stableAfterMs?: number;
  /** This many restarts within windowMs is a crash loop (default 5 within 60 s). */
  crashLoop?: { restarts: number; windowMs: number };
  /** How long a process waits for the ones it starts after (default 90 s); then it starts anyway, with a warning. */
  dependencyTimeoutMs?: number;
  /** How long a stop waits before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
  /** Readiness polling interval (default 250 ms). */
  pollMs?: number;
  /** The supervisor's own lines. */
  log?: (line: string) => void;
  /** A line a process wrote. */
  output?: (name: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Is this URL ready? Default: fetch answers 2xx within 1 s. */
  probe?: (url: string) => Promise<boolean>;
  /** Called whenever the set of running pids changes (npm start records them for npm stop). */
  onPids?: (pids: { name: string; pid: number }[]) => void;
}

export interface ProcessStatus {
  name: string;
  pid: number | null;
  ready: boolean;
  restarts: number;
  crashLooping: boolean;
}

interface State {
  spec: ProcessSpec;
  child: ChildProcess | null;
  startedAt: number;
  ready: boolean;
  readyWaiters: (() => void)[];
  /** Restarts since it last ran for stableAfterMs (the backoff exponent). */
  attempt: number;
  restarts: number;
  restartTimes: number[];
  timer: NodeJS.Timeout | null;
  exited: Promise<void>;
}

const defaultProbe = async (url: string): Promise<boolean> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
};

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/** The delay before restart number `attempt` (0-based): initial x 2^attempt, at most max. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

export class Supervisor {
  private readonly states = new Map<string, State>();
  private stopping = false;
  private readonly o: Required<Omit<SupervisorOptions, 'onPids'>> & Pick<SupervisorOptions, 'onPids'>;

  constructor(specs: readonly ProcessSpec[], options: SupervisorOptions = {}) {
    this.o = {
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 30_000,
      crashLoop: options.crashLoop ?? { restarts: 5, windowMs: 60_000 },
      dependencyTimeoutMs: options.dependencyTimeoutMs ?? 90_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
      pollMs: options.pollMs ?? 250,
      log: options.log ?? ((line) => console.log(line)),
      output: options.output ?? ((name, line) => console.log(`${name} | ${line}`)),
      probe: options.probe ?? defaultProbe,
      onPids: options.onPids,
    };
    for (const spec of specs) {
      if (this.states.has(spec.name)) throw new Error(`two processes are named ${spec.name}`);
      this.states.set(spec.name, {
        spec,
        child: null,
        startedAt: 0,
        ready: false,
        readyWaiters: [],
        attempt: 0,
        restarts: 0,
        restartTimes: [],
        timer: null,
        exited: Promise.resolve(),
      });
    }
    for (const spec of specs) {
      for (const dep of spec.after ?? []) if (!this.states.has(dep)) throw new Error(`${spec.name} starts after unknown ${dep}`);
    }
  }

  /** Starts every process (each once the ones it depends on are ready). Resolves when all have been spawned. */
  async start(): Promise<void> {
    await Promise.all([...this.states.values()].map((state) => this.firstStart(state)));
  }

  /** Resolves when the named process is ready (its readiness URL answered 2xx since its latest start). */
  whenReady(name: string): Promise<void> {
    const state = this.state(name);
    if (state.ready) return Promise.resolve();
    return new Promise((resolve) => state.readyWaiters.push(resolve));
  }

  status(): ProcessStatus[] {
    const now = Date.now();
    return [...this.states.values()].map((s) => ({
      name: s.spec.name,
      pid: s.child?.pid ?? null,
      ready: s.ready,
      restarts: s.restarts,
      crashLooping: this.restartsInWindow(s, now) >= this.o.crashLoop.restarts,
    }));
  }

  /** Stops everything (restarted processes included): no more restarts, the stop signal, SIGKILL after the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const state of this.states.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      for (const resolve of state.readyWaiters.splice(0)) resolve();
    }
    const running = [...this.states.values()].filter((s) => s.child);
    for (const state of running) this.signal(state, state.spec.stopSignal ?? 'SIGTERM');
    const killer = setTimeout(() => {
      for (const state of running) {
        if (state.child) {
          this.o.log(`! ${state.spec.name} did not stop within ${this.o.stopTimeoutMs / 1000} s: SIGKILL`);
          this.signal(state, 'SIGKILL');
        }
      }
    }, this.o.stopTimeoutMs);
    await Promise.all(running.map((s) => s.exited));
    clearTimeout(killer);
  }

  private state(name: string): State {
    const state = this.states.get(name);
    if (!state) throw new Error(`no process named ${name}`);
    return state;
  }

  private async firstStart(state: State): Promise<void> {
    const deps = state.spec.after ?? [];
    if (deps.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.o.dependencyTimeoutMs);
      });
      const outcome = await Promise.race([Promise.all(deps.map((d) => this.whenReady(d))), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        const late = deps.filter((d) => !this.state(d).ready);
        this.o.log(
          `! ${state.spec.name}: starting although ${late.join(', ')} not ready after ${this.o.dependencyTimeoutMs / 1000} s`,
        );
      }
    }
    if (!this.stopping) this.spawn(state);
  }

  private spawn(state: State): void {
    const { spec } = state;
    // Its own process group, so a stop reaches whatever it starts (tsx watch's child in `npm run dev`), and a
    // Ctrl-C in the terminal reaches only the supervisor, which then stops everything in order.
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    state.child = child;
    state.startedAt = Date.now();
    state.ready = false;
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (source) readline.createInterface({ input: source }).on('line', (line) => this.o.output(spec.name, line, stream));
    }
    state.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.o.log(`✗ ${spec.name}: could not start ${spec.command}: ${err.message}`);
        // 'exit' may not follow an error to spawn; treat it as an exit.
        if (child.pid === undefined) this.onExit(state, child, 127, null, resolve);
      });
      child.once('exit', (code, signal) => this.onExit(state, child, code, signal, resolve));
    });
    this.reportPids();
    void this.watchReadiness(state, child);
  }

  private onExit(state: State, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, done: () => void): void {
    if (state.child !== child) return done();
    state.child = null;
    state.ready = false;
    this.reportPids();
    done();
    if (this.stopping) return;
    const { name } = state.spec;
    const now = Date.now();
    const ranMs = now - state.startedAt;
    if (ranMs >= this.o.stableAfterMs) state.attempt = 0;
    const delay = backoffMs(state.attempt, this.o.initialBackoffMs, this.o.maxBackoffMs);
    state.attempt += 1;
    state.restarts += 1;
    state.restartTimes.push(now);
    this.o.log(
      `✗ ${name} exited (${describeExit(code, signal)}) after ${(ranMs / 1000).toFixed(1)} s; ` +
        `restarting in ${(delay / 1000).toFixed(1)} s (restart ${state.restarts}); the others keep running`,
    );
    const inWindow = this.restartsInWindow(state, now);
    if (inWindow >= this.o.crashLoop.restarts) {
      this.o.log(
        `✗✗ CRASH LOOP: ${name} has exited ${inWindow} times in the last ${this.o.crashLoop.windowMs / 1000} s ` +
          `(last: ${describeExit(code, signal)}); still restarting, at most every ${this.o.maxBackoffMs / 1000} s; see its output above`,
      );
    }
    state.timer = setTimeout(() => {
      state.timer = null;
      if (!this.stopping) this.spawn(state);
    }, delay);
  }

  private restartsInWindow(state: State, now: number): number {
    state.restartTimes = state.restartTimes.filter((t) => now - t <= this.o.crashLoop.windowMs);
    return state.restartTimes.length;
  }

  private async watchReadiness(state: State, child: ChildProcess): Promise<void> {
    const url = state.spec.readyUrl;
    while (url && state.child === child && !this.stopping) {
      if (await this.o.probe(url)) break;
      await new Promise((r) => setTimeout(r, this.o.pollMs));
    }
    if (state.child !== child || this.stopping) return;
    state.ready = true;
    if (state.restarts > 0) {
      this.o.log(
        `✓ ${state.spec.name} is back (pid ${child.pid}, ready ${((Date.now() - state.startedAt) / 1000).toFixed(1)} s after its restart)`,
      );
    }
    for (const resolve of state.readyWaiters.splice(0)) resolve();
  }

  private signal(state: State, signal: NodeJS.Signals): void {
    const pid = state.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal); // the whole group
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  private reportPids(): void {
    this.o.onPids?.([...this.states.values()].flatMap((s) => (s.child?.pid ? [{ name: s.spec.name, pid: s.child.pid }] : [])));
  }
}
