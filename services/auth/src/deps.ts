/** What the use-cases need, built once by server.ts (or a test) and passed down. */
import type { Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import type { AuthConfig } from './config.js';
import type { AccessTokenIssuer } from './security/access-tokens.js';
import type { AttemptLimiter } from './security/attempt-limiter.js';
import type { PasswordHasher } from './security/passwords.js';

export interface UseCaseDeps {
  config: AuthConfig;
  pool: Pool;
  limiter: AttemptLimiter;
  passwords: PasswordHasher;
  issueAccessToken: AccessTokenIssuer;
  logger: Logger;
}
