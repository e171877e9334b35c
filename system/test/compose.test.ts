/**
 * The container run and the native run describe the same system: docker-compose.yml against
 * system/topology.ts (services, ports, databases, variable names, service URLs, booking replicas,
 * the gateway port), the one service Dockerfile against what compose passes it and what a service reads
 * at run time, and the container rendering of the gateway against the compose service names. Validates
 * with `docker-compose config` (installed by .ci/run and by `apt-get install docker-compose`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_BOOKING_REPLICAS, GATEWAY_PORT, ROOT, SERVICES, serviceEnv, serviceSpec } from '../topology.js';
import { SETTINGS, containerGatewayOptions, renderGatewayConfig } from '../../gateway/render.js';

interface ComposeService {
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

function composeBinary(): string[] | null {
  for (const candidate of [['docker-compose'], ['docker', 'compose']]) {
    try {
      execFileSync(candidate[0] as string, [...candidate.slice(1), 'version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not installed
    }
  }
  return null;
}

describe('docker-compose.yml agrees with the native run', () => {
  it('has every service, the backing services, the database init step and the gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...SERVICES.map((s) => s.name), 'postgres', 'redis', 'rabbitmq', 'db-init', 'gateway'].sort(),
    );
    for (const backing of ['postgres', 'redis', 'rabbitmq']) expect(compose.services[backing]?.healthcheck).toBeDefined();
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))('%s: same variables, port, database and service URLs', (name, spec) => {
    const service = compose.services[name];
    const env = service?.environment ?? {};
    const native = serviceEnv(spec);
    expect(Object.keys(env).sort()).toEqual(Object.keys(native).sort());
    expect(env.PORT).toBe(String(spec.port));
    expect(env.REDIS_KEY_PREFIX).toBe(native.REDIS_KEY_PREFIX);
    expect(env.AMQP_EXCHANGE).toBe(native.AMQP_EXCHANGE);
    expect(env.AUTH_ISSUER).toBe(native.AUTH_ISSUER);
    expect(env.AUTH_AUDIENCE).toBe(native.AUTH_AUDIENCE);
    if (spec.database) expect(new URL(env.DATABASE_URL ?? '').pathname).toBe(`/${spec.database}`);
    // Other services are reached by compose name on their native port, on the same paths.
    const containerUrls = serviceEnv(spec, { serviceHost: (n) => n });
    for (const key of Object.keys(native).filter((k) => k.endsWith('_URL') && k !== 'DATABASE_URL' && !k.startsWith('REDIS'))) {
      if (key === 'AMQP_URL') continue;
      expect(env[key], key).toBe(containerUrls[key]);
    }
    // One image recipe for every service: the service and its port are build arguments.
    expect(service?.build).toEqual({
      context: '.',
      dockerfile: 'services/Dockerfile',
      args: { SERVICE: name, PORT: String(spec.port) },
    });
    expect(service?.depends_on?.['db-init']?.condition).toBe('service_completed_successfully');
    expect(service?.depends_on?.redis?.condition).toBe('service_healthy');
    expect(service?.depends_on?.rabbitmq?.condition).toBe('service_healthy');
    if (name !== 'auth') expect(service?.depends_on?.auth?.condition).toBe('service_healthy');
  });

  it('supervises: every long-running container restarts, and is checked for health by compose or its image', () => {
    const images = {
      service: readFileSync(path.join(ROOT, 'services', 'Dockerfile'), 'utf8'),
      gateway: readFileSync(path.join(ROOT, 'gateway', 'Dockerfile'), 'utf8'),
    };
    expect(images.service).toMatch(/^HEALTHCHECK [\s\S]*\/health\/ready/m);
    expect(images.gateway).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'db-init') {
        expect(service.restart).toBe('no'); // a one-shot step
        continue;
      }
      expect(service.restart, name).toBe('unless-stopped');
      const imageHealthcheck = service.build?.dockerfile === 'services/Dockerfile' || name === 'gateway';
      expect(imageHealthcheck || service.healthcheck !== undefined, `${name} has a healthcheck`).toBe(true);
    }
  });

  it('runs booking as the same number of replicas as npm start', () => {
    expect(compose.services.booking?.deploy?.replicas).toBe(DEFAULT_BOOKING_REPLICAS);
  });

  it('publishes only the gateway, on the native port, after every service is healthy', () => {
    const gateway = compose.services.gateway;
    expect(gateway?.ports).toEqual([`${GATEWAY_PORT}:${GATEWAY_PORT}`]);
    for (const spec of SERVICES) expect(gateway?.depends_on?.[spec.name]?.condition).toBe('service_healthy');
    for (const [name, service] of Object.entries(compose.services)) if (name !== 'gateway') expect(service.ports).toBeUndefined();
    const known = new Set(SETTINGS.map((s) => s.env));
    for (const arg of Object.keys(gateway?.build?.args ?? {})) expect(known.has(arg), arg).toBe(true);
  });

  it('creates every service database in the init step', () => {
    const init = JSON.stringify(compose.services['db-init']);
    for (const spec of SERVICES.filter((s) => s.database)) expect(init).toContain(spec.database as string);
  });

  it('is valid for docker-compose', () => {
    const binary = composeBinary();
    if (!binary) throw new Error('docker-compose is not installed: apt-get install docker-compose');
    const [bin, ...args] = binary;
    execFileSync(bin as string, [...args, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], { stdio: 'pipe' });
  });
});

/** The stages of a Dockerfile by name (`FROM ... AS <name>`), each with its instructions. */
function stages(file: string): Map<string, string> {
  const byName = new Map<string, string>();
  for (const stage of file.split(/^FROM /m).slice(1)) {
    const name = /^\S+ AS (\S+)/.exec(stage)?.[1];
    if (name) byName.set(name, stage);
  }
  return byName;
}

/** Does a .dockerignore pattern exclude this path (or a folder above it)? The patterns used here: `*`, `**`. */
function ignoredBy(pattern: string, file: string): boolean {
  const escape = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  const regex = pattern.split('**/').map(escape).join('(?:.*/)?');
  return new RegExp(`^${regex}(?:/.*)?$`).test(file);
}

describe('the service image (services/Dockerfile)', () => {
  const file = readFileSync(path.join(ROOT, 'services', 'Dockerfile'), 'utf8');
  const byName = stages(file);

  it('reads .dockerignore patterns as docker does (the kinds used here)', () => {
    expect(ignoredBy('**/dist', 'services/train/dist/server.js')).toBe(true);
    expect(ignoredBy('**/*.tsbuildinfo', 'packages/db/tsconfig.tsbuildinfo')).toBe(true);
    expect(ignoredBy('infrastructure', 'infrastructure/k8s/base/train.yaml')).toBe(true);
    expect(ignoredBy('**/src', 'services/train/src/db/migrations/001.sql')).toBe(true);
    expect(ignoredBy('*.sql', 'services/train/src/db/migrations/001.sql')).toBe(false);
    expect(ignoredBy('infrastructure', 'services/train/src/infrastructure.sql')).toBe(false);
  });

  it('is the only service Dockerfile', () => {
    for (const spec of SERVICES) expect(existsSync(path.join(ROOT, 'services', spec.name, 'Dockerfile')), spec.name).toBe(false);
  });

  it('refuses to build without SERVICE and PORT, and builds and installs only that service', () => {
    expect(byName.get('manifests')).toMatch(/^ARG SERVICE$[\s\S]*^ARG PORT$[\s\S]*test -n "\$SERVICE" && test -n "\$PORT"/m);
    expect(byName.get('build')).toContain('COPY services/${SERVICE}/ services/${SERVICE}/');
    expect(byName.get('build')).toContain('RUN npx tsc -b services/${SERVICE}');
    expect(byName.get('prod-deps')).toMatch(/npm ci --omit=dev .*--workspace @rail\/\$\{SERVICE\}$/m);
    for (const spec of SERVICES) {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'services', spec.name, 'package.json'), 'utf8')) as {
        name: string;
      };
      expect(manifest.name).toBe(`@rail/${spec.name}`);
    }
  });

  it('runs the built service as node, on the PORT it was built for, with a readiness health check', () => {
    const runtime = byName.get('runtime') ?? '';
    expect(runtime).toMatch(/^ENV .*PORT=\$\{PORT\}/m);
    expect(runtime).toMatch(/^EXPOSE \$\{PORT\}$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toContain('/health/ready');
    expect(runtime).toMatch(/^WORKDIR \/app\/services\/\$\{SERVICE\}$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/server.js"\]$/m);
    // Nothing is installed or compiled in the runtime stage: it only copies the build's results.
    expect(runtime).not.toMatch(/^RUN /m);
  });

  it.each(SERVICES.map((s) => [s.name] as const))(
    '%s: the runtime image keeps src/, whose SQL migrations and Lua scripts the service reads at run time',
    (name) => {
      const runtime = byName.get('runtime') ?? '';
      // The whole service folder (dist/ and src/) is copied from the build stage, which copied all of it.
      expect(runtime).toContain('COPY --from=build /app/services/${SERVICE}/ ./services/${SERVICE}/');
      const src = path.join(ROOT, 'services', name, 'src');
      const readAtRunTime = readdirSync(src, { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(sql|lua)$/.test(f))
        .map((f) => path.posix.join('services', name, 'src', f.split(path.sep).join('/')));
      if (serviceSpec(name).database) expect(readAtRunTime.some((f) => f.endsWith('.sql'))).toBe(true);
      if (name === 'booking') expect(readAtRunTime.some((f) => f.endsWith('.lua'))).toBe(true);
      const patterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      for (const f of readAtRunTime) for (const p of patterns) expect(ignoredBy(p, f), `${p} excludes ${f}`).toBe(false);
    },
  );
});

describe('the gateway image (gateway/Dockerfile)', () => {
  it('gateway image: built frontend, container config, unprivileged, healthcheck', () => {
    const file = readFileSync(path.join(ROOT, 'gateway', 'Dockerfile'), 'utf8');
    expect(file).toContain('npm run build -w frontend');
    expect(file).toContain('node --import tsx gateway/render.ts --target container');
    expect(file).toMatch(/^USER 101$/m);
    expect(file).toMatch(/^HEALTHCHECK /m);
    expect(file).toContain(`EXPOSE ${GATEWAY_PORT}`);
    expect(existsSync(path.join(ROOT, '.dockerignore'))).toBe(true);
  });

  it('the container config routes to the compose service names on the native ports', () => {
    const config = renderGatewayConfig(containerGatewayOptions({ env: {} }));
    for (const spec of SERVICES) {
      expect(config).toContain(`upstream ${spec.name} {`);
      expect(config).toContain(`server ${spec.name}:${spec.port} `);
    }
    expect(config).toContain(`listen ${GATEWAY_PORT} `);
    expect(config).toContain('proxy_hide_header X-Served-By;');
  });
});
