/** The `npm run dlq:replay` command against the real broker, on queues of its own (random names). */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTopology, drainQueue } from '@rail/messaging/testing';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = `test.dlq-cli.${randomBytes(5).toString('hex')}`;
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'dlq:replay', '--', ...args], {
      env: { ...process.env, AMQP_URL },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(`${queue}.dlq`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  for (const id of ['m-1', 'm-2']) {
    channel.sendToQueue(`${queue}.dlq`, Buffer.from(JSON.stringify({ id })), {
      messageId: id,
      type: 'booking.cancelled',
      headers: { 'x-dead-letter-reason': 'max-attempts', 'x-last-error': 'No captured charge', 'x-attempt': 6 },
    });
  }
  await channel.waitForConfirms();
  await connection.close();
});

afterAll(async () => {
  await deleteTopology(AMQP_URL, { queues: [queue, `${queue}.dlq`] });
});

describe('npm run dlq:replay', () => {
  it('lists on --dry-run, replays --limit N to the queue with a fresh attempt count, and says how to use it', async () => {
    const dry = await cli('--queue', queue, '--dry-run');
    expect(dry.code).toBe(0);
    const listed = JSON.parse(dry.stdout) as { remaining: number; messages: Array<{ messageId: string; lastError: string }> };
    expect(listed.remaining).toBe(2);
    expect(listed.messages.map((m) => [m.messageId, m.lastError])).toEqual([
      ['m-1', 'No captured charge'],
      ['m-2', 'No captured charge'],
    ]);

    const one = await cli('--queue', `${queue}.dlq`, '--limit', '1');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ replayed: 1, remaining: 1 });
    const back = await drainQueue(AMQP_URL, queue);
    expect(back.map((m) => m.properties.messageId)).toEqual(['m-1']);
    expect(back[0]?.properties.headers).toMatchObject({ 'x-attempt': 1, 'x-replayed': 1 });
    expect(back[0]?.properties.headers?.['x-last-error']).toBeUndefined();

    expect((await cli('--limit', '0', '--queue', queue)).code).toBe(2);
    expect((await cli()).stderr).toContain('usage: npm run dlq:replay');
    const missing = await cli('--queue', `${queue}.nothing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no queue');
  });
});
