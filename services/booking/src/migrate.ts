/** Migrates booking_db (own tables + the outbox) and exits; also exports the migrations folder. */
import { fileURLToPath } from 'node:url';

export const migrationsDir = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

async function main(): Promise<void> {
  const [{ migrate }, { outboxMigrationsDir }, { loadBookingConfig }] = await Promise.all([
    import('@rail/db'),
    import('@rail/messaging'),
    import('./config.js'),
  ]);
  const config = loadBookingConfig();
  const applied = await migrate(config.DATABASE_URL, [migrationsDir, outboxMigrationsDir]);
  console.warn(applied.length > 0 ? `booking: applied ${applied.join(', ')}` : 'booking: database is up to date');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
