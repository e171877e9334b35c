import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@rail/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'demo', destination }) };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, a level label and an ISO time', () => {
    const { lines, logger } = capture();
    logger.info({ tripId: 7 }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'demo', level: 'info', msg: 'hello', tripId: 7 });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('redacts secrets at the top level, one level down and at the named deeper paths, keeping everything else', () => {
    const { lines, logger } = capture();
    logger.child({ requestId: 'r1' }).warn(
      {
        password: 'top-secret-1',
        body: { email: 'a@b.c', password: 'top-secret-2', cardNumber: '4242424242424242' },
        headers: { authorization: 'Bearer top-secret-3' },
        err: { message: 'boom', config: { headers: { authorization: 'Bearer top-secret-4' } } },
        req: { body: { password: 'top-secret-5', cvc: '123' } },
      },
      'careful',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'top-secret-1',
      'top-secret-2',
      'top-secret-3',
      'top-secret-4',
      'top-secret-5',
      '4242424242424242',
      '"123"',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      requestId: 'r1',
      body: { email: 'a@b.c', password: '[redacted]' },
      err: { message: 'boom' },
    });
  });
});
