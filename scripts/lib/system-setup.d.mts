// Types of system-setup.mjs, for the TypeScript that imports it (its tests, the browser-test runner).
export type Group = 'services' | 'gateway' | 'browser';
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
  manual: string | null;
}

export const SETUP_LOG: string;
export const REQUIREMENTS: readonly Requirement[];
export function requirementsFor(groups: readonly Group[]): Requirement[];
export function inspect(requirements: readonly Requirement[], probes: Probes): Promise<Facts>;
export function planSetup(requirements: readonly Requirement[], facts: Facts): Plan;
export function systemProbes(env?: Record<string, string | undefined>): Probes;
export function systemRunner(logFile?: string): Runner;
export function ensureSystem(options?: {
  groups?: readonly Group[];
  probes?: Probes;
  runner?: Runner;
  say?: (line: string) => void;
  complain?: (line: string) => void;
}): Promise<boolean>;
