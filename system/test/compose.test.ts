/**
 * The container run and the native run describe the same system: docker-compose.yml against
 * system/topology.ts (services, ports, databases, variable names, service URLs, booking replicas,
 * the gateway port), the Dockerfiles against each other and against the topology, and the container
 * rendering of the gateway against the compose service names. Validates with `docker-compose config`
 * when the binary is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_BOOKING_REPLICAS, GATEWAY_PORT, ROOT, SERVICES, serviceEnv } from '../topology.js';
import { SETTINGS, containerGatewayOptions, renderGatewayConfig } from '../../gateway/render.js';

interface ComposeService {
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
  healthcheck?: { test: string[] };
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
    expect(service?.build?.dockerfile).toBe(`services/${name}/Dockerfile`);
    expect(service?.depends_on?.['db-init']?.condition).toBe('service_completed_successfully');
    expect(service?.depends_on?.redis?.condition).toBe('service_healthy');
    expect(service?.depends_on?.rabbitmq?.condition).toBe('service_healthy');
    if (name !== 'auth') expect(service?.depends_on?.auth?.condition).toBe('service_healthy');
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

  const binary = composeBinary();
  it.runIf(binary)('is valid for docker-compose', () => {
    const [bin, ...args] = binary as string[];
    execFileSync(bin as string, [...args, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], { stdio: 'pipe' });
  });
});

describe('Dockerfiles', () => {
  const canonical = (name: string, port: number) =>
    readFileSync(path.join(ROOT, 'services', name, 'Dockerfile'), 'utf8')
      .replaceAll(name, '<service>')
      .replaceAll(String(port), '<port>');

  it.each(SERVICES.map((s) => [s.name, s] as const))(
    '%s: multi-stage, non-root, healthcheck, its own entry and port',
    (name, spec) => {
      const file = readFileSync(path.join(ROOT, 'services', name, 'Dockerfile'), 'utf8');
      expect(file.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
      expect(file).toMatch(/npm ci --omit=dev .*--workspace @rail\/\S+/);
      expect(file).toMatch(/^USER node$/m);
      expect(file).toMatch(/^HEALTHCHECK .*/m);
      expect(file).toContain('/health/ready');
      expect(file).toContain(`EXPOSE ${spec.port}`);
      expect(file).toContain(`PORT=${spec.port}`);
      expect(file).toContain(`CMD ["node", "services/${name}/dist/server.js"]`);
    },
  );

  it('are the same file apart from the service name and port', () => {
    const [first, ...rest] = SERVICES.map((s) => canonical(s.name, s.port));
    for (const other of rest) expect(other).toBe(first);
  });

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
