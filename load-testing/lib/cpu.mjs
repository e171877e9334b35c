// CPU time from the kernel's own accounting (Linux /proc), for "CPU per request" figures:
//   process CPU   utime + stime of /proc/<pid>/stat (all of the process's threads, live and exited)
//   machine CPU   the first line of /proc/stat (user, nice, system, idle, iowait, irq, softirq, steal)
// Both are in clock ticks (`getconf CLK_TCK`, 100 on Linux: a 10 ms resolution, so a figure needs a window of
// seconds and thousands of requests to be precise to a few per cent).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export const ticksToMs = (ticks) => (ticks * 1000) / CLK_TCK;

/**
 * utime + stime of one process in ticks, or null when it has exited. With `tid`, of that one thread
 * (`/proc/<pid>/task/<tid>/stat`; a process's main thread has tid = pid).
 */
export function processTicks(pid, tid) {
  let raw;
  try {
    raw = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields after the last ')' are positional.
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Machine-wide CPU ticks by kind (all cores summed), from /proc/stat. */
export function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // guest/guest_nice are already inside user/nice.
  return { user, nice, system, idle, iowait, irq, softirq, steal };
}

function commandOf(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (argv.length > 0) return argv.join(' ');
  } catch {
    /* gone */
  }
  try {
    return `[${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
  } catch {
    return '?';
  }
}

/** Ticks of every process on the machine: pid -> ticks. */
export function allProcessTicks() {
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = processTicks(name);
    if (t !== null) out.set(Number(name), t);
  }
  return out;
}

/** The pid of the process whose command line matches `pattern` (e.g. the redis-server on a port), or null. */
export function findPid(pattern) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (pattern.test(commandOf(name))) return Number(name);
  }
  return null;
}

/**
 * Measures a window: named processes (fixed pids), a dynamic group (pids listed by `listGroup`, e.g. the
 * PostgreSQL backends of one database, sampled every `sampleMs` so backends that exit mid-window are counted
 * up to their last sample), the machine's totals and everyone else (the top `topOthers` processes not in the
 * window's own set, so a reader sees what else was using the CPU).
 *
 * @param {{ processes: Record<string, number>, groups?: Record<string, () => Promise<number[]>>, sampleMs?: number }} opts
 */
export async function startCpuWindow({ processes, groups = {}, sampleMs = 500 }) {
  const t0 = performance.now();
  const m0 = machineTicks();
  const all0 = allProcessTicks();
  const p0 = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processTicks(pid)]));
  // The main thread apart from the rest (for Node: V8's GC/compiler workers and the libuv pool, where WebCrypto,
  // zlib and fs work run); all of Node's threads are named "node", so they are told apart by tid only.
  const main0 = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processTicks(pid, pid)]));
  // group -> pid -> { first, last, startedInWindow }
  const groupState = Object.fromEntries(Object.keys(groups).map((g) => [g, new Map()]));
  const sampleGroups = async (initial) => {
    for (const [g, list] of Object.entries(groups)) {
      let pids;
      try {
        pids = await list();
      } catch {
        continue;
      }
      const state = groupState[g];
      for (const pid of pids) {
        const t = processTicks(pid);
        if (t === null) continue;
        const s = state.get(pid);
        if (s) s.last = t;
        else state.set(pid, { first: initial ? t : 0, last: t, startedInWindow: !initial });
      }
      for (const [pid, s] of state) {
        if (pids.includes(pid)) continue;
        const t = processTicks(pid);
        if (t !== null)
          s.last = t; // left the list but still alive (e.g. between queries)
        else s.exited = true;
      }
    }
  };
  await sampleGroups(true);
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => sampleGroups(false));
  }, sampleMs);
  const loadBefore = loadavg();

  return {
    /** Ticks used so far by one named process (for settle checks). */
    ticksOf: (name) => (processTicks(processes[name]) ?? 0) - (p0[name] ?? 0),
    async stop() {
      clearInterval(timer);
      await sampling;
      await sampleGroups(false);
      const elapsedMs = performance.now() - t0;
      const m1 = machineTicks();
      const all1 = allProcessTicks();
      const own = new Set(Object.values(processes));
      const perProcess = {};
      for (const [name, pid] of Object.entries(processes)) {
        const end = processTicks(pid);
        perProcess[name] = end === null || p0[name] === null ? null : end - p0[name];
      }
      const mainThreadMs = {};
      for (const [name, pid] of Object.entries(processes)) {
        const end = processTicks(pid, pid);
        mainThreadMs[name] = end === null || main0[name] === null ? null : ticksToMs(end - main0[name]);
      }
      const perGroup = {};
      for (const [g, state] of Object.entries(groupState)) {
        let ticks = 0;
        let exited = 0;
        let started = 0;
        for (const [pid, s] of state) {
          own.add(pid);
          ticks += s.last - s.first;
          if (s.exited) exited += 1;
          if (s.startedInWindow) started += 1;
        }
        perGroup[g] = { ticks, processes: state.size, startedInWindow: started, exitedInWindow: exited };
      }
      const d = Object.fromEntries(Object.keys(m1).map((k) => [k, m1[k] - m0[k]]));
      const busy = d.user + d.nice + d.system;
      const benchTicks =
        Object.values(perProcess).reduce((a, b) => a + (b ?? 0), 0) + Object.values(perGroup).reduce((a, g) => a + g.ticks, 0);
      const others = [];
      for (const [pid, t1] of all1) {
        if (own.has(pid)) continue;
        const delta = t1 - (all0.get(pid) ?? 0); // a process born in the window counts from zero
        if (delta > 0) others.push({ pid, ticks: delta });
      }
      others.sort((a, b) => b.ticks - a.ticks);
      const top = others
        .slice(0, 5)
        .map((o) => ({ pid: o.pid, cpuMs: ticksToMs(o.ticks), command: commandOf(o.pid).slice(0, 100) }));
      const cores = cpus().length;
      return {
        elapsedMs: Math.round(elapsedMs),
        clkTck: CLK_TCK,
        cores,
        mainThreadMs,
        processesMs: Object.fromEntries(Object.entries(perProcess).map(([k, v]) => [k, v === null ? null : ticksToMs(v)])),
        groups: Object.fromEntries(
          Object.entries(perGroup).map(([k, g]) => [k, { ...g, ticks: undefined, cpuMs: ticksToMs(g.ticks) }]),
        ),
        machine: {
          // Everything the kernel charged to processes (user+nice+system), on all cores.
          busyMs: ticksToMs(busy),
          // Time handling interrupts/softirqs (loopback networking mostly: largely this bench's own traffic).
          irqSoftirqMs: ticksToMs(d.irq + d.softirq),
          stealMs: ticksToMs(d.steal),
          idleMs: ticksToMs(d.idle + d.iowait),
          utilisation: +((busy + d.irq + d.softirq) / (busy + d.irq + d.softirq + d.idle + d.iowait + d.steal || 1)).toFixed(3),
          // CPU charged to processes that are not part of this bench during the window (other people's work).
          othersMs: ticksToMs(Math.max(0, busy - benchTicks)),
          othersCores: +(ticksToMs(Math.max(0, busy - benchTicks)) / elapsedMs).toFixed(2),
          topOthers: top,
        },
        loadavgBefore: loadBefore.map((v) => +v.toFixed(2)),
        loadavgAfter: loadavg().map((v) => +v.toFixed(2)),
      };
    },
  };
}
