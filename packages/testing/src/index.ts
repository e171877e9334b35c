/**
 * Test support shared by the packages and services (never imported by production code): a TCP proxy to cut a
 * client off a real store and restore it, and a watch for process-level errors during an outage.
 */
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { watchProcessErrors, type ProcessErrorWatch } from './process-errors.js';
