/** The Idempotency-Key header: its one format, its schema (for OpenAPI) and its parser. */
import { Type, type Static } from '@sinclair/typebox';
import { IdempotencyKeyInvalidError } from './errors.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set to `true` on an answer that replays the stored one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/**
 * Route header schema. The hooks check the header before schema validation, so a bad key is refused as
 * IDEMPOTENCY_KEY_INVALID; the pattern here documents the same rule.
 */
export const IdempotencyKeyHeaders = Type.Object({
  [IDEMPOTENCY_KEY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Client-chosen retry key (printable ASCII, e.g. a UUID): a retry with the same key replays the first answer',
    }),
  ),
});
export type IdempotencyKeyHeaders = Static<typeof IdempotencyKeyHeaders>;

/** The key from a header value, undefined when absent; throws IdempotencyKeyInvalidError when malformed. */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY_PATTERN.test(value)) throw new IdempotencyKeyInvalidError();
  return value;
}
