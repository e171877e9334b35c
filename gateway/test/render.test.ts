/**
 * The renderer: limits always present and validated (a bad or zero value is refused with the variable's
 * name), the native and container renderings accepted by `nginx -t`, and no placeholder left behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testNginxConfig, writeNginxConfig } from '../nginx.js';
import {
  INTERNAL_ROUTES,
  containerGatewayOptions,
  nativeGatewayOptions,
  renderGatewayConfig,
  resolveSettings,
  retryAfterSeconds,
} from '../render.js';

describe('settings', () => {
  it('takes GATEWAY_* variables over the defaults', () => {
    const settings = resolveSettings({ GATEWAY_STRICT_RATE: '30r/m', GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' });
    expect(settings.strictRate).toBe('30r/m');
    expect(settings.trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(settings.apiAddrRate).toBe('100r/s');
  });

  it.each([
    ['GATEWAY_STRICT_RATE', '0r/s'],
    ['GATEWAY_STRICT_RATE', 'off'],
    ['GATEWAY_API_ADDR_BURST', '-1'],
    ['GATEWAY_TRUSTED_PROXIES', 'everyone'],
    ['GATEWAY_MAX_BODY_SIZE', '0'],
    ['GATEWAY_READ_TIMEOUT', '15'],
    ['GATEWAY_STREAMS_PER_ADDR', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => resolveSettings({ [name]: value })).toThrow(name);
  });

  it('refuses unknown option names instead of ignoring them', () => {
    expect(() => resolveSettings({}, { rateLimiting: false } as never)).toThrow(/unknown gateway setting/);
  });

  it('computes Retry-After from the zone rate', () => {
    expect(retryAfterSeconds('1r/s')).toBe(1);
    expect(retryAfterSeconds('100r/s')).toBe(1);
    expect(retryAfterSeconds('30r/m')).toBe(2);
    expect(retryAfterSeconds('1r/m')).toBe(60);
  });
});

describe('rendering', () => {
  it('native: every booking replica on loopback, trusted loopback proxies, limits in every API location', () => {
    const config = renderGatewayConfig(nativeGatewayOptions({ env: {}, replicas: 3 }));
    expect(config).not.toMatch(/\{\{\w+\}\}/);
    for (const port of [3003, 3013, 3023]) expect(config).toContain(`server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`);
    expect(config).toContain('set_real_ip_from 127.0.0.1;');
    expect(config).toContain('set_real_ip_from ::1;');
    for (const prefix of ['auth', 'trains', 'bookings', 'payments', 'notifications', 'queue']) {
      const block = config.slice(config.indexOf(`location /api/${prefix} {`));
      expect(block.slice(0, block.indexOf('proxy_pass'))).toContain('limit_req zone=api_addr');
    }
    expect(config).toMatch(/^\s*proxy_next_upstream error timeout;$/m); // never non_idempotent, never an http_5xx
  });

  it('limits requests in flight per service: the per-instance setting times its instances', () => {
    const native = renderGatewayConfig(nativeGatewayOptions({ env: {}, replicas: 3 }));
    expect(native).toContain('limit_conn inflight_booking 192;'); // 3 replicas x 64
    for (const name of ['auth', 'train', 'notification']) expect(native).toContain(`limit_conn inflight_${name} 64;`);
    // Payment's requests wait on the provider, not on its CPU, and the queue's are tiny and come by the thousand:
    // 4 x the slots.
    expect(native).toContain('limit_conn inflight_payment 256;');
    expect(native).toContain('limit_conn inflight_queue 256;');
    const five = renderGatewayConfig(nativeGatewayOptions({ env: { GATEWAY_UPSTREAM_CONCURRENCY: '10' }, replicas: 5 }));
    expect(five).toContain('limit_conn inflight_booking 50;');
    // In a container one name stands for every replica: BOOKING_REPLICAS counts them.
    const container = renderGatewayConfig(containerGatewayOptions({ env: { BOOKING_REPLICAS: '4' } }));
    expect(container).toContain('limit_conn inflight_booking 256;');
    expect(() => resolveSettings({ GATEWAY_UPSTREAM_CONCURRENCY: '0' })).toThrow('GATEWAY_UPSTREAM_CONCURRENCY');
  });

  it("routes the waiting room: joining under the strict (login) limit, a sale's status micro-cached", () => {
    const config = renderGatewayConfig(nativeGatewayOptions({ env: {}, replicas: 3 }));
    const block = config.slice(config.indexOf('location /api/queue {'));
    const join = block.slice(block.indexOf('location ~ ^/api/queue/sales/[^/]+/join$ {'));
    expect(join.slice(0, join.indexOf('}'))).toContain('limit_req zone=strict_user');
    const sale = block.slice(block.indexOf('location ~ ^/api/queue/sales/[0-9-]+$ {'));
    expect(sale.slice(0, sale.indexOf('}'))).toContain('proxy_cache micro;');
    expect(config).toContain('server 127.0.0.1:3006 max_fails=3');
  });

  it('blocks every internal route and answers every nginx error with a JSON problem page', () => {
    const config = renderGatewayConfig(nativeGatewayOptions({ env: {} }));
    for (const route of INTERNAL_ROUTES) expect(config).toContain(`location ~* ${route.pattern} {`);
    for (const status of [400, 403, 404, 405, 408, 413, 414, 429, 500, 501, 502, 503, 504, 505]) {
      expect(config).toMatch(new RegExp(`^\\s*error_page ${status} `, 'm'));
    }
    expect(config).toMatch(/^\s*error_page 494 =431 /m);
    // Named locations cannot answer a request whose line nginx could not read: only the 429 uses one.
    expect(config.match(/error_page \d+ (=\d+ )?@/g)).toEqual(['error_page 429 @']);
  });

  it('native and container renderings pass nginx -t', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rail-render-'));
    try {
      for (const options of [nativeGatewayOptions({ env: {}, port: 18099 }), containerGatewayOptions({ env: {} })]) {
        // Container upstream names do not resolve here: check the same rendering with loopback servers.
        const upstreams = nativeGatewayOptions({ env: {} }).upstreams;
        const local = {
          ...options,
          runDir: dir,
          accessLog: path.join(dir, 'access.log'),
          errorLog: 'stderr',
          upstreams,
          listen: '127.0.0.1:18099',
        };
        testNginxConfig(dir, writeNginxConfig(local));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a gateway with an empty micro-cache, so no answer of a previous run is served', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rail-render-'));
    try {
      const options = { ...nativeGatewayOptions({ env: {} }), runDir: dir, accessLog: path.join(dir, 'access.log') };
      writeNginxConfig(options);
      const entry = path.join(dir, 'micro_cache', 'a', 'bc', 'stations-entry');
      mkdirSync(path.dirname(entry), { recursive: true });
      writeFileSync(entry, 'a cached 200 from the last run');
      writeNginxConfig(options);
      expect(readdirSync(path.join(dir, 'micro_cache'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an option that would inject nginx syntax', () => {
    const options = nativeGatewayOptions({ env: {} });
    expect(() => renderGatewayConfig({ ...options, frontendRoot: '/srv; include /etc/passwd' })).toThrow(/frontendRoot/);
  });
});
