// describeError: the Idempotency-Key protocol's codes read the same, in both languages, from every service.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.js';
import { translate } from '../src/i18n/i18n.js';
import { describeError } from '../src/lib/errors.js';
import { bn, en } from '../src/i18n/strings.js';

const problem = (status: number, code: string) =>
  new ApiError({ type: 'about:blank', title: 'x', status, code, detail: 'English detail from the service' });

describe('describeError for the Idempotency-Key codes', () => {
  it.each([
    [409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'requestInProgress'],
    [422, 'IDEMPOTENCY_KEY_REUSED', 'requestChanged'],
    [400, 'IDEMPOTENCY_KEY_INVALID', 'requestKeyInvalid'],
    [400, 'INVALID_TEXT', 'invalidText'],
    [409, 'PAYMENT_IN_PROGRESS', 'paymentInProgress'],
  ] as const)('%i %s gets its own sentence, not the service detail', (status, code, key) => {
    expect(describeError(problem(status, code), (k, v) => translate('en', k, v))).toBe(en[key]);
    expect(describeError(problem(status, code), (k, v) => translate('bn', k, v))).toBe(bn[key]);
    expect(en[key]).not.toBe(bn[key]);
  });
});
