/**
 * scripts/lib/system-setup.ts: what is missing, who may install it (root, passwordless sudo, nobody),
 * whether apt-get is there -> install and start, or print the one command; carried out on a simulated
 * machine (injected probes and runner), then the real machine checked to have everything afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REQUIREMENTS,
  ensureSystem,
  inspect,
  planSetup,
  requirementsFor,
  systemProbes,
  systemRunner,
  type Facts,
  type Group,
  type Probes,
  type Runner,
} from '../lib/system-setup.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ALL = requirementsFor(['services', 'gateway', 'tests', 'browser']);
const byId = (id: string) => REQUIREMENTS.find((r) => r.id === id)!;

/** Facts where everything is there, with some requirements overridden. */
function facts(overrides: Partial<Facts> & { status?: Facts['status'] } = {}): Facts {
  const status: Facts['status'] = {};
  for (const r of ALL) status[r.id] = r.port === undefined ? { installed: true } : { installed: true, running: true };
  return { privilege: 'root', apt: true, ...overrides, status: { ...status, ...overrides.status } };
}
const ids = (list: { id: string }[]) => list.map((r) => r.id);

describe('planSetup', () => {
  it('does nothing when everything is installed and running', () => {
    const plan = planSetup(ALL, facts());
    expect(plan).toEqual({ missing: [], install: [], start: [], manual: null });
  });

  it('installs a missing package as root with apt-get', () => {
    const plan = planSetup(ALL, facts({ status: { nginx: { installed: false } } }));
    expect(ids(plan.install)).toEqual(['nginx']);
    expect(plan.manual).toBeNull();
  });

  it('installs with passwordless sudo too', () => {
    const plan = planSetup(ALL, facts({ privilege: 'sudo', status: { chromium: { installed: false } } }));
    expect(ids(plan.install)).toEqual(['chromium']);
    expect(plan.manual).toBeNull();
  });

  it('prints one sudo apt-get command for everything missing when it may not install', () => {
    const plan = planSetup(
      ALL,
      facts({
        privilege: 'none',
        status: { nginx: { installed: false }, redis: { installed: false, running: false } },
      }),
    );
    expect(plan.install).toEqual([]);
    expect(plan.manual).toBe('sudo apt-get install -y redis-server nginx-light');
    expect(ids(plan.missing)).toEqual(['redis', 'nginx']);
    expect(plan.start).toEqual([]); // nothing to start it from
  });

  it('as root without apt-get names the Debian packages instead', () => {
    const plan = planSetup(ALL, facts({ apt: false, status: { nginx: { installed: false } } }));
    expect(plan.install).toEqual([]);
    expect(plan.manual).toBe('no apt-get on this machine: install nginx (Debian package nginx-light) with its package manager');
  });

  it('starts an installed service that is stopped, with or without the right to install', () => {
    for (const privilege of ['root', 'none'] as const) {
      const plan = planSetup(ALL, facts({ privilege, status: { rabbitmq: { installed: true, running: false } } }));
      expect(ids(plan.start)).toEqual(['rabbitmq']);
      expect(plan.install).toEqual([]);
      expect(plan.manual).toBeNull();
    }
  });

  it('installs and then starts a service that is neither installed nor running', () => {
    const plan = planSetup(ALL, facts({ status: { postgresql: { installed: false, running: false } } }));
    expect(ids(plan.install)).toEqual(['postgresql']);
    expect(ids(plan.start)).toEqual(['postgresql']);
  });

  it('leaves alone a service that answers on its port though it is not installed here (a container)', () => {
    const plan = planSetup(ALL, facts({ privilege: 'none', status: { redis: { installed: false, running: true } } }));
    expect(plan).toEqual({ missing: [], install: [], start: [], manual: null });
  });

  it('needs the browser packages only when asked for them', () => {
    expect(ids(requirementsFor(['services', 'gateway']))).toEqual(['postgresql', 'redis', 'rabbitmq', 'nginx']);
    expect(ids(requirementsFor(['browser']))).toEqual(['chromium', 'bengali-font']);
  });

  it('needs docker-compose only for the tests, never for npm start', () => {
    expect(ids(requirementsFor(['tests']))).toEqual(['docker-compose']);
    expect(ids(requirementsFor(['services', 'gateway', 'browser']))).not.toContain('docker-compose');
    const plan = planSetup(ALL, facts({ privilege: 'none', status: { 'docker-compose': { installed: false } } }));
    expect(plan.manual).toBe('sudo apt-get install -y docker-compose');
    expect(plan.start).toEqual([]); // a tool, not a service
  });
});

/** A simulated Debian machine: what is installed, which ports answer, what apt knows; the runner changes it. */
function machine(options: {
  uid?: number;
  sudo?: boolean;
  apt?: boolean;
  installed?: string[];
  running?: number[];
  candidates?: boolean;
  failInstall?: (pkg: string, updated: boolean) => boolean;
  startsService?: boolean;
}) {
  const installed = new Set(
    options.installed ?? [
      'postgresql',
      'redis-server',
      'rabbitmq-server',
      'nginx-light',
      'docker-compose',
      'chromium',
      'fonts-beng-extra',
    ],
  );
  const running = new Set(options.running ?? [5432, 6379, 5672]);
  let updated = options.candidates ?? true;
  const commands: string[][] = [];
  let log = '';
  const probes: Probes = {
    env: {},
    uid: () => options.uid ?? 0,
    pathExists: (p) =>
      (p === '/usr/bin/chromium' && installed.has('chromium')) || (p === '/usr/sbin/nginx' && installed.has('nginx-light')),
    listDir: (p) => (p === '/etc/postgresql' && installed.has('postgresql') ? ['15'] : []),
    commandExists: (name) =>
      (name === 'apt-get' && options.apt !== false) ||
      (name === 'pg_ctlcluster' && installed.has('postgresql')) ||
      (name === 'redis-server' && installed.has('redis-server')) ||
      (name === 'rabbitmq-server' && installed.has('rabbitmq-server')) ||
      (name === 'docker-compose' && installed.has('docker-compose')),
    output: (command, args) => {
      if (command === 'sudo') return options.sudo ? '' : null;
      if (command === 'fc-list') return installed.has('fonts-beng-extra') ? 'Lohit Bengali\n' : '';
      if (command === 'apt-cache')
        return args
          .slice(1)
          .map((p) => `${p}:\n  Installed: (none)\n  Candidate: ${updated ? '1.0-1' : '(none)'}\n`)
          .join('');
      return null;
    },
    reachable: async (port) => running.has(port),
    sleep: async () => {},
  };
  const runner: Runner = {
    logFile: '/simulated/setup.log',
    run: (argv) => {
      commands.push(argv);
      const args = argv[0] === 'sudo' ? argv.slice(2) : argv;
      const apt = args.slice(args.indexOf('apt-get') + 1);
      if (args.includes('apt-get') && apt[0] === 'update') {
        updated = true;
        return true;
      }
      if (args.includes('apt-get') && apt[0] === 'install') {
        const pkg = apt.at(-1)!;
        if (!updated || options.failInstall?.(pkg, updated)) {
          log += `E: Unable to locate package ${pkg}\n`;
          return false;
        }
        log += `Setting up ${pkg} ...\n`;
        installed.add(pkg);
        return true;
      }
      if (options.startsService !== false) {
        if (args[0] === 'pg_ctlcluster' && args.at(-1) === 'start') running.add(5432);
        if (args[0] === 'redis-server') running.add(6379);
        if (args[0] === 'rabbitmq-server') running.add(5672);
      }
      return true;
    },
    since: () => log,
    size: () => 0,
  };
  const said: string[] = [];
  const complained: string[] = [];
  const ensure = (groups: Group[] = ['services', 'gateway']) =>
    ensureSystem({ groups, probes, runner, say: (l) => said.push(l), complain: (l) => complained.push(l) });
  return { probes, runner, commands, installed, running, said, complained, ensure };
}

const aptInstall = (pkg: string) => ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', pkg];
const aptUpdate = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'];

describe('ensureSystem', () => {
  it('as root installs the missing nginx-light, announced in one line, apt output kept out of sight', async () => {
    const m = machine({ installed: ['postgresql', 'redis-server', 'rabbitmq-server'] });
    expect(await m.ensure()).toBe(true);
    expect(m.said).toEqual(['▸ installing nginx-light (the gateway) with apt-get…']);
    expect(m.commands).toEqual([aptInstall('nginx-light')]);
    expect(m.complained).toEqual([]);
  });

  it('updates the package lists once, first, when apt knows none of the packages', async () => {
    const m = machine({ installed: [], running: [], candidates: false });
    expect(await m.ensure(['services', 'gateway', 'tests', 'browser'])).toBe(true);
    expect(m.commands.filter((c) => c.includes('update'))).toEqual([aptUpdate]);
    expect(m.commands[0]).toEqual(aptUpdate);
    expect(m.said.filter((l) => l.startsWith('▸ installing'))).toHaveLength(7);
    expect([...m.running].sort()).toEqual([5432, 5672, 6379]);
  });

  it('updates and retries once when an install from old lists fails', async () => {
    let first = true;
    const m = machine({
      installed: ['postgresql', 'redis-server', 'rabbitmq-server'],
      failInstall: () => {
        const fail = first;
        first = false;
        return fail;
      },
    });
    expect(await m.ensure()).toBe(true);
    expect(m.commands).toEqual([aptInstall('nginx-light'), aptUpdate, aptInstall('nginx-light')]);
  });

  it('installs docker-compose for the tests, and leaves it out when only npm start asks', async () => {
    const m = machine({ installed: ['postgresql', 'redis-server', 'rabbitmq-server', 'nginx-light'] });
    expect(await m.ensure(['services', 'gateway'])).toBe(true);
    expect(m.commands).toEqual([]);
    expect(await m.ensure(['services', 'gateway', 'tests'])).toBe(true);
    expect(m.said).toEqual(['▸ installing docker-compose (the compose test (docker-compose config)) with apt-get…']);
    expect(m.commands).toEqual([aptInstall('docker-compose')]);
    expect(m.installed.has('docker-compose')).toBe(true);
  });

  it('without root or sudo names docker-compose as missing for the tests, failing', async () => {
    const m = machine({ uid: 1000, sudo: false, installed: ['postgresql', 'redis-server', 'rabbitmq-server', 'nginx-light'] });
    expect(await m.ensure(['services', 'gateway', 'tests'])).toBe(false);
    expect(m.commands).toEqual([]);
    expect(m.complained).toEqual([
      '✗ missing: docker-compose (the compose test (docker-compose config)). Install with:',
      '  sudo apt-get install -y docker-compose',
    ]);
  });

  it('fails, showing the log, when the install fails after an update', async () => {
    const m = machine({ installed: ['postgresql', 'redis-server', 'rabbitmq-server'], failInstall: () => true });
    expect(await m.ensure()).toBe(false);
    expect(m.complained[0]).toMatch(/^✗ could not install nginx-light; its log \(\/simulated\/setup\.log\):$/);
    expect(m.complained[1]).toContain('E: Unable to locate package nginx-light');
  });

  it('with passwordless sudo runs every command through sudo -n', async () => {
    const m = machine({ uid: 1000, sudo: true, installed: ['postgresql', 'redis-server', 'rabbitmq-server'] });
    expect(await m.ensure()).toBe(true);
    expect(m.commands).toEqual([['sudo', '-n', ...aptInstall('nginx-light')]]);
  });

  it('without root or sudo runs nothing and prints the one command, failing', async () => {
    const m = machine({ uid: 1000, sudo: false, installed: ['postgresql', 'redis-server', 'rabbitmq-server'] });
    expect(await m.ensure()).toBe(false);
    expect(m.commands).toEqual([]);
    expect(m.complained).toEqual(['✗ missing: nginx (the gateway). Install with:', '  sudo apt-get install -y nginx-light']);
  });

  it('a fresh PostgreSQL gets the trust lines for user postgres, then is started', async () => {
    const m = machine({ installed: ['redis-server', 'rabbitmq-server', 'nginx-light'], running: [6379, 5672] });
    expect(await m.ensure()).toBe(true);
    expect(m.commands.map((c) => c[0])).toEqual(['env', 'sh', 'pg_ctlcluster']);
    expect(m.commands[1]![3]).toBe('/etc/postgresql/15/main/pg_hba.conf');
    expect(m.commands[2]).toEqual(['pg_ctlcluster', '--skip-systemctl-redirect', '15', 'main', 'start']);
    expect(m.said).toEqual(['▸ installing postgresql (the database) with apt-get…', '▸ starting PostgreSQL (the database)…']);
  });

  it('an installed PostgreSQL that is already running is never reconfigured', async () => {
    const m = machine({});
    expect(await m.ensure(['services', 'gateway', 'browser'])).toBe(true);
    expect(m.commands).toEqual([]);
    expect(m.said).toEqual([]);
  });

  it('starts installed but stopped Redis and RabbitMQ with the commands that work without systemd', async () => {
    const m = machine({ running: [5432] });
    expect(await m.ensure()).toBe(true);
    expect(m.commands.map((c) => c[0])).toEqual(['mkdir', 'redis-server', 'rabbitmq-server', 'rabbitmqctl']);
    expect(m.commands[1]).toContain('--daemonize');
    expect(m.commands[3]).toEqual(['rabbitmqctl', 'await_startup', '--timeout', '120']);
  });

  it('fails when a started service never answers on its port', async () => {
    const m = machine({ running: [5432, 5672], startsService: false });
    expect(await m.ensure()).toBe(false);
    expect(m.complained[0]).toMatch(/^✗ Redis did not come up on port 6379/);
  });
});

describe('the PostgreSQL trust lines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-hba-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are put first in pg_hba.conf (first match wins), keeping what was there', () => {
    const hba = path.join(dir, 'pg_hba.conf');
    writeFileSync(hba, 'local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n');
    const [argv] = byId('postgresql').configure!(machine({}).probes);
    const [command, ...args] = [...argv!.slice(0, 3), hba, ...argv!.slice(4)];
    expect(spawnSync(command!, args).status).toBe(0);
    expect(readFileSync(hba, 'utf8').split('\n')).toEqual([
      expect.stringMatching(/^# Added by the rail project/),
      'host all postgres 127.0.0.1/32 trust',
      'host all postgres ::1/128 trust',
      'local all postgres peer',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ]);
  });
});

describe('systemRunner', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'setup-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each command and its output in the log and says whether it exited 0', () => {
    const runner = systemRunner(path.join(dir, 'setup.log'));
    expect(runner.run(['sh', '-c', 'echo first'])).toBe(true);
    const from = runner.size();
    expect(runner.run(['sh', '-c', 'echo broken >&2; exit 3'])).toBe(false);
    expect(runner.since(from)).toBe('\n$ sh -c echo broken >&2; exit 3\nbroken\n');
    expect(runner.run(['/nonexistent/command'])).toBe(false);
  });
});

describe('this machine', () => {
  // `npm test` runs ensure-backing-services --tests (services, gateway, tests) before vitest: afterwards
  // all of it is here.
  const groups: Group[] = ['services', 'gateway', 'tests'];
  const needed = requirementsFor(groups);

  it('has PostgreSQL, Redis and RabbitMQ installed and answering, and nginx and docker-compose installed', async () => {
    const found = await inspect(needed, systemProbes());
    for (const r of needed) {
      expect({ id: r.id, installed: found.status[r.id]!.installed }).toEqual({ id: r.id, installed: true });
      if (r.port !== undefined) expect({ id: r.id, running: found.status[r.id]!.running }).toEqual({ id: r.id, running: true });
    }
    expect(planSetup(needed, found)).toEqual({ missing: [], install: [], start: [], manual: null });
  });

  it('so a real ensureSystem run has nothing to do', async () => {
    const commands: string[][] = [];
    const runner: Runner = { logFile: '/dev/null', run: (argv) => (commands.push(argv), false), since: () => '', size: () => 0 };
    const said: string[] = [];
    const complain = (l: string) => said.push(l);
    expect(await ensureSystem({ groups, probes: systemProbes(), runner, say: complain, complain })).toBe(true);
    expect({ commands, said }).toEqual({ commands: [], said: [] });
  });

  it('and the entry npm test runs first (ensure-backing-services --tests, through tsx) exits 0 saying nothing', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-backing-services.mjs', '--tests'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});
