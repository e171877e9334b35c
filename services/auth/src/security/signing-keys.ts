/**
 * The keys that sign access tokens. With AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE (one is required in
 * production) the key comes from configuration or a mounted secret file, and AUTH_PREVIOUS_PUBLIC_KEYS
 * keeps the keys of a rotation verifiable. Without either, outside production only (development, tests),
 * an Ed25519 key is generated on first start and kept in auth_db as a plaintext private JWK, so every
 * replica signs with the same key and it survives restarts, but never enters git. In production that
 * fallback is refused here as well as by the config check: a generated key is never stored there.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose';
import type { PublicJwk } from '@rail/contracts/auth';
import { withTransaction, type Pool } from '@rail/db';

export const SIGNING_ALGORITHM = 'EdDSA';

/** jose's private key type (a WebCrypto CryptoKey). */
export type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

export interface SigningKeys {
  kid: string;
  privateKey: PrivateKey;
  /** Public keys that verify tokens: the current one first, then previous ones still accepted. */
  publicKeys: PublicJwk[];
}

export interface SigningKeyConfig {
  NODE_ENV?: 'development' | 'test' | 'production';
  AUTH_PRIVATE_KEY?: string | undefined;
  AUTH_PRIVATE_KEY_FILE?: string | undefined;
  AUTH_KEY_ID?: string | undefined;
  AUTH_PREVIOUS_PUBLIC_KEYS?: string | undefined;
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

/** How many stored development keys the JWKS lists: the current one and the one before it. */
const DEVELOPMENT_KEYS_PUBLISHED = 2;

function publicJwk(jwk: JWK, kid: string): PublicJwk {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new SigningKeyError(`Key ${kid} is not an Ed25519 key (kty OKP, crv Ed25519)`);
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

async function importConfiguredPrivateKey(value: string): Promise<{ privateKey: PrivateKey; jwk: JWK }> {
  const text = value.trim().replace(/\\n/g, '\n');
  let privateKey: PrivateKey;
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JWK;
      if (typeof jwk.d !== 'string') throw new SigningKeyError('the JWK has no private part ("d")');
      const imported = await importJWK({ ...jwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM, { extractable: true });
      if (imported instanceof Uint8Array) throw new SigningKeyError('a symmetric key cannot sign access tokens');
      privateKey = imported;
    } else {
      privateKey = await importPKCS8(text, SIGNING_ALGORITHM, { extractable: true });
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SigningKeyError(`AUTH_PRIVATE_KEY is not a usable Ed25519 private key (PKCS8 PEM or JWK): ${reason}`);
  }
  const jwk = await exportJWK(privateKey);
  return { privateKey, jwk };
}

function parsePreviousKeys(value: string | undefined, currentKid: string): PublicJwk[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SigningKeyError('AUTH_PREVIOUS_PUBLIC_KEYS is not JSON (expected a JWKS or an array of JWKs)');
  }
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new SigningKeyError('AUTH_PREVIOUS_PUBLIC_KEYS must be a JWKS or an array of JWKs');
  return keys.map((key: JWK) => {
    if (typeof key.kid !== 'string' || key.kid.length === 0) throw new SigningKeyError('Every previous public key needs a kid');
    if ('d' in key) throw new SigningKeyError(`Previous key ${key.kid} contains a private part; publish public keys only`);
    if (key.kid === currentKid) throw new SigningKeyError(`Previous key ${key.kid} has the same kid as the current key`);
    return publicJwk(key, key.kid);
  });
}

async function fromConfiguration(config: SigningKeyConfig & { AUTH_PRIVATE_KEY: string }): Promise<SigningKeys> {
  const { privateKey, jwk } = await importConfiguredPrivateKey(config.AUTH_PRIVATE_KEY);
  const kid = config.AUTH_KEY_ID ?? (await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x as string }));
  return { kid, privateKey, publicKeys: [publicJwk(jwk, kid), ...parsePreviousKeys(config.AUTH_PREVIOUS_PUBLIC_KEYS, kid)] };
}

interface StoredKeyRow {
  kid: string;
  public_jwk: PublicJwk;
  private_jwk: JWK;
}

async function insertGeneratedKey(db: Pick<Pool, 'query'>): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const kid = `dev-${randomUUID()}`;
  // Strictly newer than every stored key, so "the newest" is never ambiguous.
  await db.query(
    `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at)
     VALUES ($1, $2, $3, $4, greatest(clock_timestamp(), (SELECT max(created_at) + interval '1 millisecond' FROM signing_keys)))`,
    [
      kid,
      SIGNING_ALGORITHM,
      JSON.stringify(publicJwk(await exportJWK(publicKey), kid)),
      JSON.stringify(await exportJWK(privateKey)),
    ],
  );
}

const KEY_LOCK = "hashtext('rail.auth.signing_keys')";

async function fromDatabase(pool: Pool): Promise<SigningKeys> {
  const rows = await withTransaction(pool, async (client) => {
    // Replicas starting together must agree on one key: the first generates it, the others read it.
    await client.query(`SELECT pg_advisory_xact_lock(${KEY_LOCK})`);
    const select = () =>
      client.query<StoredKeyRow>('SELECT kid, public_jwk, private_jwk FROM signing_keys ORDER BY created_at DESC, kid LIMIT $1', [
        DEVELOPMENT_KEYS_PUBLISHED,
      ]);
    let result = await select();
    if (result.rows.length === 0) {
      await insertGeneratedKey(client);
      result = await select();
    }
    return result.rows;
  });
  const current = rows[0];
  if (!current) throw new SigningKeyError('No signing key could be stored');
  const privateKey = await importJWK({ ...current.private_jwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new SigningKeyError(`Stored key ${current.kid} is not an Ed25519 key`);
  return { kid: current.kid, privateKey, publicKeys: rows.map((row) => row.public_jwk) };
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SigningKeyError(`AUTH_PRIVATE_KEY_FILE cannot be read: ${reason}`);
  }
}

/**
 * The signing key and published public keys: from AUTH_PRIVATE_KEY or the file AUTH_PRIVATE_KEY_FILE names,
 * else (never in production) from auth_db.
 */
export async function loadSigningKeys(config: SigningKeyConfig, pool: Pool): Promise<SigningKeys> {
  const configured =
    config.AUTH_PRIVATE_KEY ?? (config.AUTH_PRIVATE_KEY_FILE ? await readKeyFile(config.AUTH_PRIVATE_KEY_FILE) : undefined);
  if (configured) return fromConfiguration({ ...config, AUTH_PRIVATE_KEY: configured });
  if (config.NODE_ENV === 'production')
    throw new SigningKeyError('No signing key configured: production needs AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE');
  return fromDatabase(pool);
}

/**
 * Development key rotation: stores a new key that becomes current on the next start of each replica; the
 * previous key stays in the JWKS so tokens it signed stay valid until they expire.
 */
export async function rotateDevelopmentKey(pool: Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${KEY_LOCK})`);
    await insertGeneratedKey(client);
  });
}
