/**
 * A small HTTP client for gateway tests. Unlike fetch it can pick the local source address, which is how
 * a test plays a client the gateway does not trust (127.0.0.2) next to the trusted loopback proxy.
 */
import http from 'node:http';

export interface SentRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address of the connection, e.g. 127.0.0.2 (any 127/8 address works on loopback). */
  localAddress?: string;
  timeoutMs?: number;
}

export interface Received {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: <T = Record<string, unknown>>() => T;
}

export function send(url: string, options: SentRequest = {}): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        localAddress: options.localAddress,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

let next = 1;
/** A fresh client address (from the 198.18.0.0/15 benchmarking range), so each test has its own buckets. */
export function clientAddress(): string {
  const n = next++;
  return `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}
