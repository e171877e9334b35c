/** The request logger createApp installs: the same lines as a pino child, and none at a disabled level. */
import { Writable } from 'node:stream';
import { createLogger } from '@rail/logger';
import { describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../src/lazy-request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'queue', level, destination }) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the lazy request logger', () => {
  it('writes the lines a child would, with its bindings, and redacts as the service logger does', async () => {
    const { lines, logger } = capture('info');
    const log = lazyRequestLogger(logger, { requestId: 'r-1' }, {});
    log.info({ statusCode: 200, authorization: 'Bearer x' }, 'request completed');
    log.error(new Error('boom'), 'request failed');
    log.debug('not at info');
    await flush();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      requestId: 'r-1',
      service: 'queue',
      level: 'info',
      statusCode: 200,
      authorization: '[redacted]',
    });
    expect(lines[0]!.msg).toBe('request completed');
    expect(lines[1]).toMatchObject({ requestId: 'r-1', level: 'error', msg: 'request failed' });
  });

  it('writes nothing below the level, and still answers level questions and makes children', async () => {
    const { lines, logger } = capture('warn');
    const log = lazyRequestLogger(logger, { requestId: 'r-2' }, {});
    log.info('skipped');
    log.trace('skipped');
    expect(log.level).toBe('warn');
    expect((log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled('info')).toBe(false);
    log.child({ step: 'x' }).warn('from a child');
    await flush();
    expect(lines).toEqual([expect.objectContaining({ requestId: 'r-2', step: 'x', level: 'warn', msg: 'from a child' })]);
  });

  it('makes the real child at once when the route sets its own level', async () => {
    const { lines, logger } = capture('warn');
    const log = lazyRequestLogger(logger, { requestId: 'r-3' }, { level: 'debug' });
    log.debug('the route asked for debug');
    await flush();
    expect(lines).toEqual([expect.objectContaining({ requestId: 'r-3', level: 'debug' })]);
  });
});
