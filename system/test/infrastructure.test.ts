/**
 * The Kubernetes manifests and the Prometheus config describe the same system as the native run: every
 * service (and the gateway) is a Deployment with probes, a non-root read-only container, resources and an
 * autoscaler; ports and variable names agree with system/topology.ts. Overlays are built with
 * `kubectl kustomize`: without kubectl those tests fail, naming what is missing (they never skip).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { GATEWAY_PORT, ROOT, SERVICES, instancePorts, serviceEnv } from '../topology.js';

const K8S = path.join(ROOT, 'infrastructure', 'k8s');

interface Container {
  name?: string;
  image: string;
  ports: { containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
  startupProbe?: { httpGet: { path: string } };
  command?: string[];
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}
interface Resource {
  kind: string;
  metadata: { name: string };
  spec: {
    template?: {
      spec: {
        containers: Container[];
        initContainers?: Container[];
        restartPolicy?: string;
        securityContext?: { runAsNonRoot?: boolean };
      };
    };
    scaleTargetRef?: { name: string };
    ports?: { port: number }[];
  };
  data?: Record<string, string>;
}

function load(file: string): Resource[] {
  return parseAllDocuments(readFileSync(path.join(K8S, 'base', file), 'utf8')).map((d) => d.toJS() as Resource);
}

const kustomization = parse(readFileSync(path.join(K8S, 'base', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const all = kustomization.resources.flatMap(load);

describe('kubernetes base', () => {
  it.each([...SERVICES.map((s) => [s.name, s.port] as const), ['gateway', GATEWAY_PORT] as const])(
    '%s: deployment with probes, non-root read-only container, resources, service and autoscaler',
    (name, port) => {
      const deployment = all.find((r) => r.kind === 'Deployment' && r.metadata.name === name);
      const pod = deployment?.spec.template?.spec;
      const container = pod?.containers[0];
      expect(container?.image).toBe(`rail/${name}`);
      expect(container?.ports[0]?.containerPort).toBe(port);
      expect(pod?.securityContext?.runAsNonRoot).toBe(true);
      expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container?.securityContext?.capabilities?.drop).toEqual(['ALL']);
      expect(container?.resources?.requests).toHaveProperty('cpu');
      expect(container?.resources?.limits).toHaveProperty('memory');
      expect(container?.livenessProbe?.httpGet.path).toBeDefined();
      expect(container?.readinessProbe?.httpGet.path).toBeDefined();
      if (name !== 'gateway') {
        expect(container?.readinessProbe?.httpGet.path).toBe('/health/ready');
        expect(container?.livenessProbe?.httpGet.path).toBe('/health/live');
        expect(container?.env?.find((e) => e.name === 'PORT')?.value).toBe(String(port));
      }
      const service = all.find((r) => r.kind === 'Service' && r.metadata.name === name);
      expect(service?.spec.ports?.[0]?.port).toBe(port);
      const hpa = all.find((r) => r.kind === 'HorizontalPodAutoscaler' && r.metadata.name === name);
      expect(hpa?.spec.scaleTargetRef?.name).toBe(name);
    },
  );

  it('supervises: pods restart (default Always), services have startup probes, readiness gates their Service', () => {
    for (const name of [...SERVICES.map((s) => s.name), 'gateway']) {
      const pod = all.find((r) => r.kind === 'Deployment' && r.metadata.name === name)?.spec.template?.spec;
      expect(pod?.restartPolicy ?? 'Always', name).toBe('Always');
      const service = all.find((r) => r.kind === 'Service' && r.metadata.name === name);
      // A Service routes only to ready pods: it selects the Deployment's pods, and none of them opts out.
      expect(JSON.stringify(service)).not.toContain('publishNotReadyAddresses');
      if (name !== 'gateway') expect(pod?.containers[0]?.startupProbe?.httpGet.path, name).toBe('/health/live');
    }
  });

  it('starts a gateway pod only once every service it routes to has a ready pod', () => {
    const pod = all.find((r) => r.kind === 'Deployment' && r.metadata.name === 'gateway')?.spec.template?.spec;
    const wait = pod?.initContainers?.find((c) => c.name === 'wait-for-services');
    const script = (wait?.command ?? []).join(' ');
    for (const spec of SERVICES) expect(script).toContain(`${spec.name}:${spec.port}`);
    expect(script).toContain('/health/ready');
    expect(wait?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('shares the native run variable names through one ConfigMap', () => {
    const config = all.find((r) => r.kind === 'ConfigMap' && r.metadata.name === 'rail-config');
    const perService = ['PORT', 'REDIS_KEY_PREFIX', 'DATABASE_URL'];
    const native = Object.keys(serviceEnv(SERVICES[0] as (typeof SERVICES)[number])).filter((k) => !perService.includes(k));
    expect(Object.keys(config?.data ?? {}).sort()).toEqual(native.sort());
    expect(config?.data?.NODE_ENV).toBe('production');
    expect(config?.data?.OTP_DEV_ECHO).toBe('false');
  });

  it.each(['development', 'production'])('the %s overlay builds', (overlay) => {
    const built = spawnSync('kubectl', ['kustomize', path.join(K8S, 'overlays', overlay)], { encoding: 'utf8' });
    if (built.error)
      throw new Error(
        `kubectl is missing (${built.error.message}): these tests build the overlays with \`kubectl kustomize\`. ` +
          "Install a current kubectl (Debian's kubernetes-client 1.20 is too old for these manifests).",
      );
    expect(built.status, built.stderr).toBe(0);
    const kinds = parseAllDocuments(built.stdout).map((d) => (d.toJS() as Resource).kind);
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(SERVICES.length + 1);
    expect(kinds.filter((k) => k === 'HorizontalPodAutoscaler')).toHaveLength(SERVICES.length + 1);
  });
});

describe('prometheus (native run)', () => {
  it('scrapes every instance the native run starts, booking replicas included', () => {
    const config = parse(readFileSync(path.join(ROOT, 'infrastructure', 'prometheus', 'prometheus.native.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[]; labels: { service: string } }[] }[];
    };
    const targets = config.scrape_configs.flatMap((j) => j.static_configs);
    for (const spec of SERVICES) {
      const entry = targets.find((t) => t.labels.service === spec.name);
      expect(entry?.targets).toEqual(instancePorts(spec, 3).map((p) => `127.0.0.1:${p}`));
    }
  });
});
