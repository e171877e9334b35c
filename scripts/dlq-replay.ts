/**
 * `npm run dlq:replay -- --queue <name> [--limit N] [--dry-run]`: moves the dead letters of one consumer queue
 * (`<name>.dlq`) back to that queue with a fresh attempt count, or lists them (`--dry-run`), and prints the
 * result as JSON. The broker is AMQP_URL (default the local development broker). Exit 0 done, 1 failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { replayDeadLetters } from '@rail/messaging';

const USAGE = 'usage: npm run dlq:replay -- --queue <name> [--limit N] [--dry-run]';

async function main(argv: string[]): Promise<number> {
  let values: { queue?: string; limit?: string; 'dry-run'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        queue: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (!values.queue || (limit !== undefined && (!Number.isInteger(limit) || limit < 1))) {
    console.error(USAGE);
    return 2;
  }
  try {
    const result = await replayDeadLetters({
      url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      queue: values.queue,
      limit,
      dryRun: values['dry-run'] ?? false,
    });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    console.error(`dlq:replay failed: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
