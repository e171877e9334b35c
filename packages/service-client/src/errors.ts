/**
 * What a service-to-service call can fail with, as the shared typed errors: an upstream that cannot give a
 * trustworthy answer in time is a 503 with Retry-After (nothing was decided, the caller may try again); an
 * upstream that refused our request is a 502. Messages are safe to show; the cause stays for the logs.
 */
import { AppError, ServiceUnavailableError } from '@rail/errors';

export type UnavailableReason = 'unreachable' | 'timeout' | 'status' | 'circuit-open' | 'busy' | 'invalid';

export class UpstreamUnavailableError extends ServiceUnavailableError {
  readonly service: string;
  readonly reason: UnavailableReason;
  /** The upstream's HTTP status, when it answered one. */
  readonly upstreamStatus: number | undefined;

  constructor(
    service: string,
    reason: UnavailableReason,
    options: { code: string; retryAfter: number; message?: string; upstreamStatus?: number; cause?: unknown },
  ) {
    super(options.message ?? `The ${service} service is not answering; try again shortly`, options.retryAfter, options.code);
    this.service = service;
    this.reason = reason;
    this.upstreamStatus = options.upstreamStatus;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The upstream answered, but not with what its contract promises: its answer is not trusted. */
export class UpstreamContractError extends UpstreamUnavailableError {
  /** Which check failed, for the logs (not part of the problem body). */
  readonly contractDetail: string;

  constructor(
    service: string,
    options: { code: string; retryAfter: number; detail: string; upstreamStatus?: number; cause?: unknown },
  ) {
    super(service, 'invalid', {
      ...options,
      message: `The ${service} service sent an unexpected answer; try again shortly`,
    });
    this.contractDetail = options.detail;
  }
}

/** The upstream refused the request (a 4xx other than 404): retrying the same call will not help. */
export class UpstreamRejectedError extends AppError {
  readonly service: string;
  readonly upstreamStatus: number;
  /** The `code` of the upstream's problem body, if it sent one. */
  readonly upstreamCode: string | undefined;

  constructor(service: string, options: { code: string; upstreamStatus: number; upstreamCode?: string }) {
    super(502, options.code, `The ${service} service refused the request`);
    this.service = service;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamCode = options.upstreamCode;
  }
}
