/** Creates (or drops) a service's own database through the server's maintenance database. */
import pg from 'pg';

export function databaseName(connectionString: string): string {
  const name = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  return name;
}

function maintenanceUrl(connectionString: string): string {
  const url = new URL(connectionString);
  url.pathname = '/postgres';
  return url.toString();
}

async function withMaintenanceClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(connectionString) });
  // A lost connection also fails the pending call; the event alone must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL if it does not exist; safe when several replicas race. */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  await withMaintenanceClient(connectionString, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P04 duplicate_database, 23505 unique_violation: another replica created it first.
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
}

export async function dropDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  await withMaintenanceClient(connectionString, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
