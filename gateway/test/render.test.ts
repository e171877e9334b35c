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
    for (const prefix of ['auth', 'trains', 'bookings', 'payments', 'notifications']) {
      const block = config.slice(config.indexOf(`location /api/${prefix} {`));
      expect(block.slice(0, block.indexOf('proxy_pass'))).toContain('limit_req zone=api_addr');
    }
    expect(config).toMatch(/^\s*proxy_next_upstream error timeout http_502 http_503;$/m); // never non_idempotent
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
