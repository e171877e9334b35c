/**
 * A remote JWKS that keeps verifying while the auth service is away. jose's own remote set throws once its
 * cache is older than its max age and the refetch fails, which would turn an auth outage into 401s for
 * every signed-in user of every service. This one serves the last good key set while refreshing in the
 * background (stale-while-revalidate, stale-if-error), refetches at once for an unknown `kid` (at most
 * once per cooldown, so forged kids cannot hammer the auth service), and reports "no keys at all" as
 * JwksUnavailableError, which the plugin answers with 503 rather than calling a valid token invalid.
 */
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface RemoteJwksOptions {
  url: string;
  /** Refresh in the background once the keys are this old (ms). */
  maxAgeMs?: number;
  /** Minimum time between fetches triggered by unknown kids or failures (ms). */
  cooldownMs?: number;
  timeoutMs?: number;
}

export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

export interface RemoteJwks {
  getKey: JWTVerifyGetKey;
  /** Fetches now (deduplicated with a fetch in flight). */
  refresh: () => Promise<void>;
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}

export function createRemoteJwks(options: RemoteJwksOptions): RemoteJwks {
  const url = new URL(options.url).href;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  let local: ReturnType<typeof createLocalJWKSet> | null = null;
  let fetchedAt = 0;
  let attemptedAt = 0;
  let pending: Promise<void> | null = null;

  const refresh = (): Promise<void> => {
    pending ??= (async () => {
      attemptedAt = Date.now();
      try {
        const response = await fetch(url, {
          headers: { accept: 'application/json, application/jwk-set+json' },
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.status !== 200) throw new JwksUnavailableError(`JWKS answered HTTP ${response.status}`);
        const body: unknown = await response.json();
        if (!isKeySet(body)) throw new JwksUnavailableError('JWKS response has no "keys" array');
        local = createLocalJWKSet(body);
        fetchedAt = Date.now();
      } catch (err) {
        if (err instanceof JwksUnavailableError) throw err;
        throw new JwksUnavailableError(
          `JWKS could not be fetched from ${url}: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      } finally {
        pending = null;
      }
    })();
    return pending;
  };

  // Read through a function: `local` changes across awaits, which flow narrowing cannot see.
  const current = () => {
    if (!local) throw new JwksUnavailableError('JWKS is unavailable');
    return local;
  };
  const coolingDown = () => Date.now() - attemptedAt < cooldownMs;

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!local) {
      // Nothing cached yet: every caller waits on one fetch; after a failure, fail fast until the cooldown.
      if (pending) await pending;
      else if (coolingDown()) throw new JwksUnavailableError('JWKS is unavailable (recent fetch failed)');
      else await refresh();
    } else if (Date.now() - fetchedAt > maxAgeMs && !pending && !coolingDown()) {
      refresh().catch(() => undefined);
    }
    try {
      return await current()(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || coolingDown()) throw err;
      // A kid we have not seen may be a freshly rotated key: look once more.
      await refresh();
      return current()(header, token);
    }
  };

  return { getKey, refresh };
}
