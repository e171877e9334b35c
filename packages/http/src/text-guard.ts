/**
 * Refuses text no store can keep: a NUL character (U+0000) anywhere in a JSON body, the query string or the path.
 * PostgreSQL refuses 0x00 in text, so without this a NUL in a name or an e-mail became a 500 after the request had
 * been validated. One check for every service, before validation, so nothing is written.
 *
 * Cost: JSON bodies go through Fastify's own parser (prototype-poisoning protection kept); only a body whose text
 * contains the escape `\u0000` at all (rare) is walked value by value.
 */
import { AppError } from '@rail/errors';
import type { FastifyInstance } from 'fastify';

export const INVALID_TEXT = 'INVALID_TEXT';

const invalidText = (where: string) =>
  new AppError(400, INVALID_TEXT, 'The request contains a character that is not allowed', {
    detail: `${where} contains a NUL character (U+0000)`,
  });

/** The path of the first string (key or value) containing U+0000, or null. */
export function findNul(value: unknown, path = 'body'): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findNul(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.includes('\u0000')) return path;
      const found = findNul(v, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

export function registerTextGuard(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    parseJson(request, text, (err, parsed) => {
      if (err) return done(err, undefined);
      if (text.includes('\\u0000')) {
        const where = findNul(parsed);
        if (where) return done(invalidText(where), undefined);
      }
      done(null, parsed);
    });
  });
  app.addHook('onRequest', async (request) => {
    // The URL as sent: a percent-encoded NUL in the path or the query string.
    if (request.url.includes('%00')) throw invalidText('the URL');
  });
}
