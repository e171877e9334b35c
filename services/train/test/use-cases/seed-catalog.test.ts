import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { migrationsDir } from '../../src/migrate.js';
import { seedCatalog } from '../../src/use-cases/seed-catalog.js';
import { NOW } from '../helpers.js';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('train', migrationsDir);
  pool = createPool(db.url, { max: 4 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const TABLES = ['stations', 'routes', 'route_stops', 'fares', 'trains', 'coaches', 'seats', 'trips'];

async function snapshot() {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    counts[table] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  }
  const trips = await pool.query(`SELECT id, train_id, to_char(service_date, 'YYYY-MM-DD') AS d FROM trips ORDER BY id`);
  return { counts, trips: trips.rows };
}

describe('seedCatalog', () => {
  it('loads the catalog and trips for today and the next ten days', async () => {
    const published = await seedCatalog(pool, { now: NOW, salesWindowDays: 10 });
    expect(published).toEqual({ first: '2026-03-10', last: '2026-03-20', created: 18 * 11 });
    const { counts } = await snapshot();
    expect(counts).toMatchObject({ stations: 34, trains: 18, trips: 198 });
  });

  it('gives the first five trains exactly 5 coaches x 55 seats: 1,375 seats a day', async () => {
    const { rows } = await pool.query<{ train_id: number; coaches: number; seats: number }>(
      `SELECT c.train_id, count(DISTINCT c.id)::int AS coaches, count(s.id)::int AS seats
       FROM coaches c JOIN seats s ON s.coach_id = c.id WHERE c.train_id <= 5 GROUP BY c.train_id ORDER BY c.train_id`,
    );
    expect(rows).toEqual([1, 2, 3, 4, 5].map((id) => ({ train_id: id, coaches: 5, seats: 275 })));
    expect(rows.reduce((sum, r) => sum + r.seats, 0)).toBe(1375);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot();
    const again = await seedCatalog(pool, { now: NOW, salesWindowDays: 10 });
    expect(again.created).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('is safe when two seeds run at once', async () => {
    const before = await snapshot();
    await Promise.all([
      seedCatalog(pool, { now: NOW, salesWindowDays: 10 }),
      seedCatalog(pool, { now: NOW, salesWindowDays: 10 }),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('on a later day adds only the new days and keeps existing trip ids', async () => {
    const before = await snapshot();
    const later = await seedCatalog(pool, { now: new Date(NOW.getTime() + 2 * 86_400_000), salesWindowDays: 10 });
    expect(later).toEqual({ first: '2026-03-12', last: '2026-03-22', created: 36 });
    const after = await snapshot();
    expect(after.trips.slice(0, before.trips.length)).toEqual(before.trips);
    expect(after.trips.slice(before.trips.length).map((t) => t.d)).toEqual([
      ...Array(18).fill('2026-03-21'),
      ...Array(18).fill('2026-03-22'),
    ]);
  });
});
