// Logs in the seeded load users (user1@test.com ... userN@test.com / password123) once and keeps
// their tokens in a file, so the generators do no login work while they measure. A later run only
// refreshes (cheap, no password hash) the tokens that would expire within `minValidMinutes`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, vuAddress } from './http.mjs';
import { TOKENS_FILE } from './system.mjs';

/** @param {{users: number, concurrency?: number, minValidMinutes?: number, password?: string, file?: string, quiet?: boolean}} o */
export async function prepareTokens({
  users,
  concurrency = 16,
  minValidMinutes = 12,
  password = 'password123',
  file = TOKENS_FILE,
  quiet = false,
}) {
  const values = { password };
  const minValidMs = minValidMinutes * 60_000;
  const client = createClient({ maxSockets: concurrency, timeoutMs: 60_000 });

  const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).users : [];
  const byIndex = new Map(old.map((u) => [u.index, u]));
  const out = new Array(users);
  const counts = { kept: 0, refreshed: 0, loggedIn: 0, failed: 0 };
  const failures = {};
  const started = performance.now();

  function fromTokenResponse(index, email, body) {
    const now = Date.now();
    return {
      index,
      email,
      userId: body.user?.id,
      token: body.token,
      refreshToken: body.refreshToken,
      expiresAt: now + body.expiresIn * 1000,
      refreshExpiresAt: now + body.refreshExpiresIn * 1000,
    };
  }

  async function prepare(index) {
    const email = `user${index + 1}@test.com`;
    const prev = byIndex.get(index);
    const now = Date.now();
    if (prev && prev.expiresAt - now > minValidMs) {
      counts.kept += 1;
      return prev;
    }
    const xff = vuAddress(index);
    if (prev?.refreshToken && prev.refreshExpiresAt - now > 60_000) {
      const r = await client.request({
        method: 'POST',
        path: '/api/auth/refresh',
        xff,
        body: { refreshToken: prev.refreshToken },
      });
      if (r.status === 200) {
        counts.refreshed += 1;
        return fromTokenResponse(index, email, r.body);
      }
    }
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const r = await client.request({
        method: 'POST',
        path: '/api/auth/login',
        xff,
        body: { email, password: values.password },
      });
      if (r.status === 200) {
        counts.loggedIn += 1;
        return fromTokenResponse(index, email, r.body);
      }
      if (r.status !== 429 && r.status !== 503 && r.status !== 0) {
        failures[r.status] = (failures[r.status] ?? 0) + 1;
        if (failures[r.status] === 1) console.error(`login ${email} -> ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
    }
    counts.failed += 1;
    return null;
  }

  let next = 0;
  let done = 0;
  const progress = setInterval(() => quiet || process.stdout.write(`\r${done}/${users} ${JSON.stringify(counts)}   `), 2000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < users) {
        const i = next;
        next += 1;
        out[i] = await prepare(i);
        done += 1;
      }
    }),
  );
  clearInterval(progress);
  client.close();
  const ready = out.filter(Boolean);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ preparedAt: new Date().toISOString(), users: ready }));
  const secs = (performance.now() - started) / 1000;
  console.log(`\n${ready.length}/${users} users ready in ${secs.toFixed(1)} s ${JSON.stringify(counts)} -> ${file}`);
  if (counts.failed > 0) {
    throw new Error(
      `${counts.failed} logins failed, by status ${JSON.stringify(failures)} (were the users seeded? npm run seed:users -- --count ${users})`,
    );
  }
  return ready;
}
