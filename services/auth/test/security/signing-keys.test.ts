import { createLocalJWKSet, exportJWK, exportPKCS8, generateKeyPair, jwtVerify, calculateJwkThumbprint } from 'jose';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { authMigrationDirs } from '../../src/db/migrate-database.js';
import { createAccessTokenIssuer } from '../../src/security/access-tokens.js';
import { loadSigningKeys, rotateDevelopmentKey, SigningKeyError, type SigningKeys } from '../../src/security/signing-keys.js';

const user = { id: '6f1c1b36-4a83-4a35-9c8d-0f8e2f4f1a11', name: 'Rahim', email: 'rahim@example.com', phone: '+8801712345678' };
const settings = { issuer: 'rail-auth', audience: 'rail', ttlSeconds: 900 };

async function verifies(keys: SigningKeys, token: string) {
  return jwtVerify(token, createLocalJWKSet({ keys: keys.publicKeys }), {
    issuer: 'rail-auth',
    audience: 'rail',
    algorithms: ['EdDSA'],
  });
}

async function newKeyPair() {
  return generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
}

describe('signing keys from configuration', () => {
  const noDatabase = undefined as unknown as Pool;

  it('loads a PKCS8 PEM, names it by its thumbprint, and signs verifiable tokens', async () => {
    const { privateKey, publicKey } = await newKeyPair();
    const keys = await loadSigningKeys({ AUTH_PRIVATE_KEY: await exportPKCS8(privateKey) }, noDatabase);
    const publicJwk = await exportJWK(publicKey);
    expect(keys.kid).toBe(await calculateJwkThumbprint(publicJwk));
    expect(keys.publicKeys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid: keys.kid, alg: 'EdDSA', use: 'sig' }]);
    const token = await createAccessTokenIssuer(keys, settings)(user);
    expect((await verifies(keys, token)).payload.sub).toBe(user.id);
  });

  it('loads a private JWK with an explicit kid, PEM newlines escaped as \\n, and previous keys for rotation', async () => {
    const current = await newKeyPair();
    const previous = await newKeyPair();
    const jwkKeys = await loadSigningKeys(
      {
        AUTH_PRIVATE_KEY: JSON.stringify(await exportJWK(current.privateKey)),
        AUTH_KEY_ID: 'key-2026-02',
        AUTH_PREVIOUS_PUBLIC_KEYS: JSON.stringify({ keys: [{ ...(await exportJWK(previous.publicKey)), kid: 'key-2026-01' }] }),
      },
      noDatabase,
    );
    expect(jwkKeys.kid).toBe('key-2026-02');
    expect(jwkKeys.publicKeys.map((k) => k.kid)).toEqual(['key-2026-02', 'key-2026-01']);

    const escaped = (await exportPKCS8(current.privateKey)).replace(/\n/g, '\\n');
    const pemKeys = await loadSigningKeys({ AUTH_PRIVATE_KEY: escaped }, noDatabase);
    expect(pemKeys.publicKeys[0]?.x).toBe(jwkKeys.publicKeys[0]?.x);
  });

  it.each([
    ['garbage', { AUTH_PRIVATE_KEY: 'not a key' }],
    ['a JWK without its private part', { AUTH_PRIVATE_KEY: '{"kty":"OKP","crv":"Ed25519","x":"AAAA"}' }],
    ['a non-JSON previous key set', { AUTH_PREVIOUS_PUBLIC_KEYS: 'nope' }],
  ])('refuses %s', async (_label, config) => {
    const { privateKey } = await newKeyPair();
    const pem = await exportPKCS8(privateKey);
    await expect(loadSigningKeys({ AUTH_PRIVATE_KEY: pem, ...config }, noDatabase)).rejects.toBeInstanceOf(SigningKeyError);
  });

  it('reads the key from AUTH_PRIVATE_KEY_FILE (a mounted secret), and says so when the file is missing', async () => {
    const { privateKey, publicKey } = await newKeyPair();
    const dir = await mkdtemp(join(tmpdir(), 'auth-key-'));
    try {
      const file = join(dir, 'signing-key.pem');
      await writeFile(file, `${await exportPKCS8(privateKey)}\n`, { mode: 0o600 });
      const keys = await loadSigningKeys({ NODE_ENV: 'production', AUTH_PRIVATE_KEY_FILE: file }, noDatabase);
      expect(keys.kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
      await expect(
        loadSigningKeys({ NODE_ENV: 'production', AUTH_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }, noDatabase),
      ).rejects.toThrow(/AUTH_PRIVATE_KEY_FILE cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a previous key that carries its private part', async () => {
    const current = await newKeyPair();
    const leaked = await newKeyPair();
    const config = {
      AUTH_PRIVATE_KEY: await exportPKCS8(current.privateKey),
      AUTH_PREVIOUS_PUBLIC_KEYS: JSON.stringify([{ ...(await exportJWK(leaked.privateKey)), kid: 'old' }]),
    };
    await expect(loadSigningKeys(config, noDatabase)).rejects.toThrow(/private part/);
  });
});

describe('development signing keys in auth_db', () => {
  let database: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    database = await createTestDatabase('auth_keys', authMigrationDirs);
    pool = createPool(database.url, { max: 6 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('generates one key on first start, shared by replicas starting together and kept across restarts', async () => {
    const replicas = await Promise.all(Array.from({ length: 4 }, () => loadSigningKeys({}, pool)));
    expect(new Set(replicas.map((k) => k.kid)).size).toBe(1);
    const restarted = await loadSigningKeys({}, pool);
    expect(restarted.kid).toBe(replicas[0]?.kid);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM signing_keys');
    expect(rows[0].n).toBe(1);
    // One replica's token verifies with another's key set.
    const token = await createAccessTokenIssuer(replicas[0] as SigningKeys, settings)(user);
    await expect(verifies(replicas[3] as SigningKeys, token)).resolves.toBeDefined();
  });

  it('in production never generates a key into the database: it refuses to start instead', async () => {
    const { rows: before } = await pool.query('SELECT count(*)::int AS n FROM signing_keys');
    await expect(loadSigningKeys({ NODE_ENV: 'production' }, pool)).rejects.toThrow(
      /production needs AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE/,
    );
    const { rows: after } = await pool.query('SELECT count(*)::int AS n FROM signing_keys');
    expect(after[0].n).toBe(before[0].n);
  });

  it('after a rotation signs with the new key and still publishes the previous one', async () => {
    const before = await loadSigningKeys({}, pool);
    const oldToken = await createAccessTokenIssuer(before, settings)(user);
    await rotateDevelopmentKey(pool);
    const after = await loadSigningKeys({}, pool);
    expect(after.kid).not.toBe(before.kid);
    expect(after.publicKeys.map((k) => k.kid)).toEqual([after.kid, before.kid]);
    await expect(verifies(after, oldToken)).resolves.toBeDefined();
    await expect(verifies(after, await createAccessTokenIssuer(after, settings)(user))).resolves.toBeDefined();
  });
});
