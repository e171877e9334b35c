/**
 * Typed application errors with stable string codes, and their one mapping to RFC 9457
 * problem+json bodies. Domain code throws these; the HTTP layer maps them once.
 */

export interface FieldIssue {
  /** JSON-pointer-like location of the offending value, e.g. `body.seatIds` or `query.from`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export interface AppErrorOptions {
  detail?: string;
  /** Extra problem members (e.g. `seatIds` for SEAT_UNAVAILABLE); must be safe to show clients. */
  extensions?: Record<string, unknown>;
  errors?: FieldIssue[];
  /** Seconds; sent as the Retry-After header for 429 and 503. */
  retryAfter?: number;
  cause?: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly extensions: Record<string, unknown>;
  readonly errors: FieldIssue[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    // A refusal (4xx: a seat already taken, a field out of range) is an answer, not a fault: nothing reads its
    // stack (the error handler logs only 5xx), and capturing one was ~12 us of each losing select's CPU (the 409
    // of the rush's commonest request). Server errors keep theirs.
    const stackTraceLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.detail = options.detail ?? message;
    this.extensions = options.extensions ?? {};
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldIssue[] = [], code = 'VALIDATION_FAILED') {
    super(400, code, message, { errors });
  }

  /** A 400 that names one offending field. */
  static field(field: string, message: string, code = 'VALIDATION_FAILED'): ValidationError {
    return new ValidationError(message, [{ field, message }], code);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  /** `extensions`: extra problem members safe to show clients (e.g. `queue` for QUEUE_REQUIRED). */
  constructor(message = 'You are not allowed to do this', code = 'FORBIDDEN', extensions: Record<string, unknown> = {}) {
    super(403, code, message, { extensions });
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(409, code, message, { extensions });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfter: number, code = 'TOO_MANY_REQUESTS', extensions: Record<string, unknown> = {}) {
    super(429, code, message, { retryAfter, extensions });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is busy; try again shortly', retryAfter = 1, code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message, { retryAfter });
  }
}

/** Base URI for problem types; the code makes each type unique and stable. */
export const PROBLEM_TYPE_BASE = 'https://rail.example/problems/';

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

/**
 * Maps any thrown value to a problem body. Unknown errors become a generic 500 that never leaks
 * the message, stack or cause.
 */
export function toProblem(error: unknown, requestId?: string): ProblemBody {
  if (error instanceof AppError) {
    const body: ProblemBody = {
      ...error.extensions,
      type: problemType(error.code),
      title: titleFor(error.status),
      status: error.status,
      detail: error.detail,
      code: error.code,
    };
    if (requestId !== undefined) body.requestId = requestId;
    if (error.errors !== undefined && error.errors.length > 0) body.errors = error.errors;
    return body;
  }
  const body: ProblemBody = {
    type: problemType('INTERNAL'),
    title: titleFor(500),
    status: 500,
    detail: 'Something went wrong on our side. Please try again.',
    code: 'INTERNAL',
  };
  if (requestId !== undefined) body.requestId = requestId;
  return body;
}
