/**
 * Configuration from environment variables: one TypeBox schema per service, validated once at
 * start-up into a frozen object. Every offending variable is named in one error, so a bad deploy
 * fails fast with a message that says what to fix.
 *
 * Values that are only safe on a developer's machine (localhost URLs, dev secrets) are declared with
 * `devDefault`: they apply when NODE_ENV is not `production`, and in production the variable is required.
 * Secrets are declared with `devSecret`: the same, and in production their public development value is
 * refused even when set explicitly (a copied development environment must not start with known secrets).
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const DEV_DEFAULT = Symbol.for('rail.config.devDefault');
const DEV_SECRET = Symbol.for('rail.config.devSecret');

type WithDevDefault = TSchema & { [DEV_DEFAULT]?: unknown; [DEV_SECRET]?: true };

/** Marks a variable whose default is safe only outside production. */
export function devDefault<T extends TSchema>(schema: T, value: Static<T>): T {
  return Object.assign(schema, { [DEV_DEFAULT]: value });
}

/** Marks a secret with a public development default: required in production, and never that default there. */
export function devSecret<T extends TSchema>(schema: T, value: Static<T>): T {
  return Object.assign(devDefault(schema, value), { [DEV_SECRET]: true as const });
}

export const NodeEnv = Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
  default: 'development',
});

/** Variables every service shares. */
export const baseConfigProperties = {
  NODE_ENV: NodeEnv,
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  /** Grace period for draining in-flight requests on shutdown. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /**
   * Load shedding (packages/http/src/overload.ts): new work is refused with 429 SERVICE_BUSY while the mean
   * event-loop delay is above this many milliseconds, finishing work above twice it; 0 turns it off.
   */
  OVERLOAD_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 10_000, default: 100 }),
} satisfies TProperties;

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(service: string, problems: string[]) {
    super(`Invalid configuration for ${service}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Env = Record<string, string | undefined>;

function describe(schema: TSchema): string {
  if (typeof schema.description === 'string') return schema.description;
  if (Array.isArray(schema.anyOf)) {
    return `one of ${(schema.anyOf as TSchema[]).map((s) => JSON.stringify(s.const)).join(', ')}`;
  }
  if (schema.type === 'integer') {
    const range = [schema.minimum, schema.maximum].filter((n) => n !== undefined);
    return range.length === 2 ? `an integer from ${range[0]} to ${range[1]}` : 'an integer';
  }
  if (schema.type === 'boolean') return '"true" or "false"';
  if (typeof schema.pattern === 'string') return `a string matching ${schema.pattern}`;
  return `a ${String(schema.type ?? 'value')}`;
}

/**
 * Reads and validates the variables declared in `schema` from `env`. Throws ConfigError naming every
 * offending variable. Unknown variables are ignored (the environment is shared with the OS).
 */
export function loadConfig<P extends TProperties>(
  service: string,
  schema: TObject<P>,
  env: Env = process.env,
): Readonly<Static<TObject<P>>> {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];

  for (const [name, propSchema] of Object.entries(schema.properties) as [string, WithDevDefault][]) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      if (production && propSchema[DEV_SECRET] && value === String(propSchema[DEV_DEFAULT]))
        problems.push(`${name} is the public development default; production needs a secret of its own`);
      raw[name] = value;
    } else if (propSchema[DEV_DEFAULT] !== undefined) {
      if (production) problems.push(`${name} is required in production (expected ${describe(propSchema)})`);
      else raw[name] = propSchema[DEV_DEFAULT];
    } else if (propSchema.default !== undefined) {
      raw[name] = propSchema.default;
    } else if (!((schema.required ?? []) as string[]).includes(name)) {
      // optional with no default: leave unset
    } else {
      problems.push(`${name} is required (expected ${describe(propSchema)})`);
    }
  }

  const converted = Value.Convert(schema, raw) as Record<string, unknown>;
  for (const error of Value.Errors(schema, converted)) {
    const name = error.path.replace(/^\//, '').split('/')[0] ?? '';
    if (name === '' || problems.some((p) => p.startsWith(`${name} `))) continue;
    const propSchema = schema.properties[name];
    const shown = env[name] === undefined ? '(default)' : JSON.stringify(env[name]);
    problems.push(`${name}=${shown} is invalid (expected ${propSchema ? describe(propSchema) : error.message})`);
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(converted) as Readonly<Static<TObject<P>>>;
}

/** Parses a comma-separated list variable into trimmed non-empty entries. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export { Type } from '@sinclair/typebox';
export type { Static } from '@sinclair/typebox';
