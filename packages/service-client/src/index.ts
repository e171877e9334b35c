/** Public surface of @rail/service-client: the one client for service-to-service HTTP calls. */
export {
  createServiceClient,
  type BreakerOptions,
  type CallOptions,
  type CircuitStatus,
  type RetryOptions,
  type ServiceClient,
  type ServiceClientOptions,
} from './client.js';
export {
  contextHeaders,
  currentRequestContext,
  requestContextHook,
  runWithRequestContext,
  type RequestContext,
} from './context.js';
export { UpstreamContractError, UpstreamRejectedError, UpstreamUnavailableError, type UnavailableReason } from './errors.js';
