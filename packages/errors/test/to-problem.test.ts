import { describe, expect, it } from 'vitest';
import { AppError, ConflictError, TooManyRequestsError, ValidationError, toProblem } from '@rail/errors';

describe('toProblem', () => {
  it('maps a domain error with its code and extensions', () => {
    const problem = toProblem(new ConflictError('SEAT_UNAVAILABLE', 'Taken', { seatIds: [3] }), 'req-1');
    expect(problem).toEqual({
      type: 'https://rail.example/problems/seat-unavailable',
      title: 'Conflict',
      status: 409,
      detail: 'Taken',
      code: 'SEAT_UNAVAILABLE',
      requestId: 'req-1',
      seatIds: [3],
    });
  });

  it('names the offending fields of a validation error', () => {
    const problem = toProblem(ValidationError.field('query.from', 'unknown station'));
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ field: 'query.from', message: 'unknown station' }]);
  });

  it('never leaks the message of an unexpected error', () => {
    const problem = toProblem(new Error('password=hunter2 at db.ts:12'), 'req-2');
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem.code).toBe('INTERNAL');
  });

  it('keeps retryAfter on rate-limit errors', () => {
    expect(new TooManyRequestsError('slow down', 7).retryAfter).toBe(7);
  });
});

describe('stack traces', () => {
  it('refusals (4xx) carry none, server errors keep theirs, and the process limit is left as it was', () => {
    const limit = Error.stackTraceLimit;
    const refusal = new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken');
    const fault = new AppError(500, 'BOOM', 'Something broke');
    expect(refusal.stack?.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
    expect(fault.stack?.split('\n').some((l) => l.trim().startsWith('at '))).toBe(true);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
