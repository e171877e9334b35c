/** The protocol's three refusals, with the stable codes every service and the frontend share. */
import { AppError } from '@rail/errors';

/** 400: the header is not 1-255 printable ASCII characters. */
export class IdempotencyKeyInvalidError extends AppError {
  constructor() {
    const message = 'must be 1 to 255 printable ASCII characters, e.g. a UUID';
    super(400, 'IDEMPOTENCY_KEY_INVALID', 'The Idempotency-Key header is malformed', {
      detail: `The Idempotency-Key header ${message}.`,
      errors: [{ field: 'headers.idempotency-key', message }],
    });
  }
}

/** 422: the key was already used (by this user) for a different request. */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', {
      detail: 'Send a new Idempotency-Key for a new request, or repeat the original request unchanged.',
    });
  }
}

/** 409 with Retry-After: the first request with this key is still running. */
export class IdempotencyRequestInProgressError extends AppError {
  constructor(retryAfterSeconds = 1) {
    super(409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'The first request with this Idempotency-Key is still running', {
      detail: 'Retry shortly: the answer of the first request will then be replayed.',
      retryAfter: retryAfterSeconds,
    });
  }
}
