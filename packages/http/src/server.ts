/**
 * Runs an app as a process: listen, then on SIGINT/SIGTERM stop taking work, drain in-flight
 * requests, run the service's own cleanup (pools, consumers), and exit.
 */
import closeWithGrace from 'close-with-grace';
import type { App } from './app.js';

export interface RunServerOptions {
  port: number;
  host: string;
  shutdownTimeoutMs: number;
  /** Runs after the HTTP server has drained: close pools, consumers, timers. */
  onShutdown?: () => Promise<void>;
}

export async function runServer(app: App, options: RunServerOptions): Promise<void> {
  closeWithGrace({ delay: options.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal }, 'shutting down: draining in-flight requests');
    await app.close();
    await options.onShutdown?.();
    app.log.info('shutdown complete');
  });
  await app.listen({ port: options.port, host: options.host });
}
