/**
 * The one logger factory: pino JSON lines carrying the service name, with every secret redacted.
 * Modules receive a logger; they never build their own.
 */
import { pino, type DestinationStream, type LoggerOptions } from 'pino';

import type { Logger } from 'pino';
export type { Logger };

const SECRET_KEYS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'otp',
  'devOtp',
  'devCode',
  'code',
  'secret',
  'privateKey',
  'cardNumber',
  'cvc',
  'authorization',
  'cookie',
];

/** Redaction paths for the keys above at the top level and up to three levels deep. */
export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
];

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Extra pino options (tests pass a destination stream through `destination`). */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
