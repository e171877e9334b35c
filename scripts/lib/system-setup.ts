// What this machine must have for the project, and bringing it there: PostgreSQL, Redis and RabbitMQ
// answering on localhost, nginx for the gateway, docker-compose for the tests (the compose test runs
// `docker-compose config`), and (for the browser tests) Debian's Chromium with a Bengali font. A missing package is installed from Debian's archive with apt-get when this process may
// (root, or passwordless sudo), in one announced line with apt's output kept in .run/setup.log; otherwise
// the one command to run is printed and the caller fails. A stopped service is started with the command
// that works on a Debian machine without systemd. The single home of these rules: used by
// scripts/ensure-backing-services.mjs (so by `npm start`, `npm test` and .ci/run) and frontend/e2e/run.ts,
// both through tsx (`node --import tsx`).
//
// inspect() reads the machine through injected probes, planSetup() decides from those facts alone, and
// ensureSystem() carries the plan out through an injected runner, so the decisions are unit-tested
// without touching the real system.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Who needs a requirement: see REQUIREMENTS. */
export type Group = 'services' | 'gateway' | 'tests' | 'browser';
export type Privilege = 'root' | 'sudo' | 'none';

/** How the machine is read; the real one is systemProbes(), tests inject their own. */
export interface Probes {
  env: Record<string, string | undefined>;
  uid(): number;
  pathExists(path: string): boolean;
  listDir(path: string): string[];
  commandExists(name: string): boolean;
  /** stdout of a command that exited 0, else null. */
  output(command: string, args: string[]): string | null;
  reachable(port: number): Promise<boolean>;
  sleep(ms: number): Promise<void>;
}

/** How commands are carried out; the real one is systemRunner(), logging to .run/setup.log. */
export interface Runner {
  logFile: string;
  run(argv: string[]): boolean;
  since(offset: number): string;
  size(): number;
}

export interface Requirement {
  id: string;
  name: string;
  role: string;
  group: Group;
  aptPackage: string;
  /** A service: it counts as there when this port answers, whatever runs it. */
  port?: number;
  installed(probes: Probes): boolean;
  configure?(probes: Probes): string[][];
  reload?(probes: Probes): string[][];
  start?(probes: Probes): string[][];
}

export interface Facts {
  status: Record<string, { installed: boolean; running?: boolean }>;
  privilege: Privilege;
  apt: boolean;
}

export interface Plan {
  missing: Requirement[];
  install: Requirement[];
  start: Requirement[];
  /** The command to tell the developer when a package is missing that this process may not install. */
  manual: string | null;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SETUP_LOG = path.join(ROOT, '.run', 'setup.log');

/** The newest PostgreSQL cluster version under /etc/postgresql (Debian's layout), or undefined. */
function postgresVersion(probes: Probes): string | undefined {
  return probes
    .listDir('/etc/postgresql')
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
}

/** The cluster to act on; only asked for once PostgreSQL counts as installed, which needs a cluster. */
function cluster(probes: Probes): string {
  const version = postgresVersion(probes);
  if (version === undefined) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return version;
}

// The project connects as user postgres without a password (DATABASE_URL postgres://postgres@127.0.0.1:5432/…),
// as the trust lines below allow from this machine only. Added to a cluster this setup has just installed,
// never to one that was already there.
const PG_HBA_TRUST = [
  '# Added by the rail project (scripts/lib/system-setup.ts): its services connect as postgres without a password.',
  'host all postgres 127.0.0.1/32 trust',
  'host all postgres ::1/128 trust',
];

/**
 * Everything the project may need. `group` says who needs it: 'services' (the backing services, for
 * everything), 'gateway' (nginx: npm start and the gateway tests), 'tests' (tools only `npm test` and
 * `npm run test:e2e` use), 'browser' (the browser tests).
 * A requirement with a `port` is a service: it counts as there when that port answers, whatever runs it.
 */
export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'postgresql',
    name: 'PostgreSQL',
    role: 'the database',
    group: 'services',
    aptPackage: 'postgresql',
    port: 5432,
    installed: (p) => p.commandExists('pg_ctlcluster') && postgresVersion(p) !== undefined,
    // Prepends the lines in place (keeping the file's owner and mode), with no shell quoting of its own.
    configure: (p) => [
      [
        'sh',
        '-c',
        `{ printf '%s\\n' "$@"; cat "$0"; } > "$0.new" && cat "$0.new" > "$0" && rm "$0.new"`,
        `/etc/postgresql/${cluster(p)}/main/pg_hba.conf`,
        ...PG_HBA_TRUST,
      ],
    ],
    reload: (p) => [['pg_ctlcluster', cluster(p), 'main', 'reload']],
    start: (p) => [['pg_ctlcluster', '--skip-systemctl-redirect', cluster(p), 'main', 'start']],
  },
  {
    id: 'redis',
    name: 'Redis',
    role: 'the cache and seat holds',
    group: 'services',
    aptPackage: 'redis-server',
    port: 6379,
    installed: (p) => p.commandExists('redis-server'),
    start: () => [
      ['mkdir', '-p', '/var/lib/redis', '/var/log/redis'],
      // Unix-style flags as one argv: no shell, so the empty --save value reaches redis as it is.
      [
        'redis-server',
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '-::1',
        '--port',
        '6379',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        '/var/lib/redis',
        '--logfile',
        '/var/log/redis/ci.log',
      ],
    ],
  },
  {
    id: 'rabbitmq',
    name: 'RabbitMQ',
    role: 'the message broker',
    group: 'services',
    aptPackage: 'rabbitmq-server',
    port: 5672,
    installed: (p) => p.commandExists('rabbitmq-server'),
    start: () => [
      ['rabbitmq-server', '-detached'],
      ['rabbitmqctl', 'await_startup', '--timeout', '120'],
    ],
  },
  {
    id: 'nginx',
    name: 'nginx',
    role: 'the gateway',
    group: 'gateway',
    aptPackage: 'nginx-light',
    // /usr/sbin is not on an ordinary user's PATH on Debian.
    installed: (p) => p.commandExists('nginx') || p.pathExists('/usr/sbin/nginx'),
  },
  {
    id: 'docker-compose',
    name: 'docker-compose',
    role: 'the compose test (docker-compose config)',
    group: 'tests',
    aptPackage: 'docker-compose',
    installed: (p) => p.commandExists('docker-compose'),
  },
  {
    id: 'chromium',
    name: 'Chromium',
    role: 'the browser tests',
    group: 'browser',
    aptPackage: 'chromium',
    installed: (p) => p.pathExists(p.env.CHROMIUM_PATH || '/usr/bin/chromium'),
  },
  {
    id: 'bengali-font',
    name: 'a Bengali font',
    role: 'Bengali pages in the browser tests',
    group: 'browser',
    aptPackage: 'fonts-beng-extra',
    installed: (p) => Boolean(p.output('fc-list', [':lang=bn', 'family'])?.trim()),
  },
];

/** The requirements of the given groups, in the order above. */
export function requirementsFor(groups: readonly Group[]): Requirement[] {
  return REQUIREMENTS.filter((r) => groups.includes(r.group));
}

/** Facts about the machine for these requirements, read through the probes only. */
export async function inspect(requirements: readonly Requirement[], probes: Probes): Promise<Facts> {
  const status: Facts['status'] = {};
  for (const r of requirements) {
    const running = r.port === undefined ? undefined : await probes.reachable(r.port);
    status[r.id] = { installed: r.installed(probes), ...(running === undefined ? {} : { running }) };
  }
  const privilege: Privilege = probes.uid() === 0 ? 'root' : probes.output('sudo', ['-n', 'true']) !== null ? 'sudo' : 'none';
  return { status, privilege, apt: probes.commandExists('apt-get') };
}

/**
 * The decision, from the facts alone: which packages to install, which services to start, and, when a
 * package is missing that this process may not install, the command to tell the developer.
 */
export function planSetup(requirements: readonly Requirement[], facts: Facts): Plan {
  const of = (r: Requirement) => facts.status[r.id] ?? { installed: false };
  const needed = (r: Requirement) => !of(r).installed && of(r).running !== true;
  const missing = requirements.filter(needed);
  const canInstall = facts.apt && facts.privilege !== 'none';
  const install = canInstall ? missing : [];
  const start = requirements.filter((r) => r.port !== undefined && !of(r).running && (of(r).installed || canInstall));
  return { missing, install, start, manual: missing.length > 0 && !canInstall ? manualCommand(missing, facts) : null };
}

function manualCommand(missing: readonly Requirement[], facts: Facts): string {
  const packages = missing.map((r) => r.aptPackage).join(' ');
  if (!facts.apt)
    return `no apt-get on this machine: install ${missing.map((r) => `${r.name} (Debian package ${r.aptPackage})`).join(', ')} with its package manager`;
  return `${facts.privilege === 'root' ? '' : 'sudo '}apt-get install -y ${packages}`;
}

/** The real machine. */
export function systemProbes(env: Record<string, string | undefined> = process.env): Probes {
  return {
    env,
    uid: () => process.getuid?.() ?? -1,
    pathExists: (p) => existsSync(p),
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
    commandExists: (name) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0,
    output: (command, args) => {
      const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
      return result.status === 0 ? result.stdout : null;
    },
    reachable: (port, host = '127.0.0.1', timeoutMs = 1000) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ port, host });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      }),
    sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
  };
}

/** Runs one argv with its output appended to the setup log; returns whether it exited 0. */
export function systemRunner(logFile: string = SETUP_LOG): Runner {
  return {
    logFile,
    run: (argv) => {
      mkdirSync(path.dirname(logFile), { recursive: true });
      appendFileSync(logFile, `\n$ ${argv.join(' ')}\n`);
      const [command, ...args] = argv;
      if (command === undefined) return false;
      const result = spawnSync(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
      appendFileSync(logFile, Buffer.concat([result.stdout ?? Buffer.alloc(0), result.stderr ?? Buffer.alloc(0)]));
      if (result.error) appendFileSync(logFile, `${result.error.message}\n`);
      return result.status === 0;
    },
    /** What was logged since `from` (a byte offset), to show when something failed. */
    since: (from) => {
      try {
        return readFileSync(logFile).subarray(from).toString('utf8');
      } catch {
        return '';
      }
    },
    size: () => {
      try {
        return readFileSync(logFile).length;
      } catch {
        return 0;
      }
    },
  };
}

/** Packages apt has no candidate for (its lists are missing or too old): an `apt-get update` comes first. */
function withoutCandidate(packages: readonly string[], probes: Probes): string[] {
  const policy = probes.output('apt-cache', ['policy', ...packages]) ?? '';
  const candidates = new Map<string, string>();
  let current: string | undefined;
  for (const line of policy.split('\n')) {
    const header = /^(\S+):$/.exec(line)?.[1];
    if (header) current = header;
    const candidate = /^\s+Candidate:\s+(\S+)/.exec(line)?.[1];
    if (candidate && current) candidates.set(current, candidate);
  }
  return packages.filter((p) => !candidates.has(p) || candidates.get(p) === '(none)');
}

/**
 * Brings the machine to what `groups` need. Returns true when everything is there afterwards; prints
 * one line per action and, on failure, what went wrong (with the log of the failed step).
 */
export async function ensureSystem({
  groups = ['services', 'gateway'],
  probes = systemProbes(),
  runner = systemRunner(),
  say = (line) => console.log(line),
  complain = (line) => console.error(line),
}: {
  groups?: readonly Group[];
  probes?: Probes;
  runner?: Runner;
  say?: (line: string) => void;
  complain?: (line: string) => void;
} = {}): Promise<boolean> {
  const requirements = requirementsFor(groups);
  const facts = await inspect(requirements, probes);
  const plan = planSetup(requirements, facts);
  const sudo = facts.privilege === 'sudo' ? ['sudo', '-n'] : [];
  const apt = (...args: string[]) => ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
  let ok = true;

  const step = (argvs: string[][]) => argvs.every((argv) => runner.run([...sudo, ...argv]));
  const failed = (message: string, from: number) => {
    complain(`✗ ${message}; its log (${runner.logFile}):`);
    complain(runner.since(from).trimEnd());
    ok = false;
  };

  let updated = false;
  for (const r of plan.install) {
    say(`▸ installing ${r.aptPackage} (${r.role}) with apt-get…`);
    const from = runner.size();
    const install = apt('install', '-y', '-qq', r.aptPackage);
    // Update the package lists once: first when apt knows no such package, else when an install from
    // old lists fails (a version the archive no longer has).
    if (!updated && withoutCandidate([r.aptPackage], probes).length > 0) {
      updated = true;
      if (!step([apt('update', '-qq')])) {
        failed('apt-get update failed', from);
        return false;
      }
    }
    let installed = step([install]);
    if (!installed && !updated) {
      updated = true;
      installed = step([apt('update', '-qq'), install]);
    }
    if (!installed || !r.installed(probes)) {
      failed(`could not install ${r.aptPackage}`, from);
      continue;
    }
    if (r.configure && !step(r.configure(probes))) failed(`could not configure ${r.name} after installing it`, from);
    // Where systemd runs, the package's own install has started the service: have it read that configuration.
    else if (r.reload && r.port !== undefined && (await probes.reachable(r.port)) && !step(r.reload(probes)))
      failed(`could not reload ${r.name}`, from);
  }

  for (const r of plan.start) {
    // Not installed: its failed install was said above. Answering already: nothing to do.
    if (r.port === undefined || !r.start || !r.installed(probes) || (await probes.reachable(r.port))) continue;
    say(`▸ starting ${r.name} (${r.role})…`);
    const from = runner.size();
    if (!step(r.start(probes))) {
      failed(`could not start ${r.name}`, from);
      continue;
    }
    let up = false;
    for (let i = 0; i < 240 && !up; i++) {
      up = await probes.reachable(r.port);
      if (!up) await probes.sleep(250);
    }
    if (!up) failed(`${r.name} did not come up on port ${r.port}`, from);
  }

  if (plan.manual) {
    complain(`✗ missing: ${plan.missing.map((r) => `${r.name} (${r.role})`).join(', ')}. Install with:`);
    complain(`  ${plan.manual}`);
    ok = false;
  }
  return ok;
}
