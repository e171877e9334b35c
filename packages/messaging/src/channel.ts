/**
 * A confirm channel that is re-created whenever it is lost: after a reconnect of the connection, and
 * also after a channel-level error while the connection stays up (amqp-connection-manager alone would
 * leave such a channel dead until the next reconnect). Its setup runs on every new channel.
 */
import type { AmqpConnectionManager as IAmqpConnectionManager } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { Logger } from '@rail/logger';

const REOPEN_DELAY_MS = 1_000;

export class ManagedChannel {
  private channel: ConfirmChannel | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;
  private reopenTimer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  /** Why the last attempt to open failed (cleared by a success); lets callers report setup errors. */
  lastError: unknown;

  constructor(
    private readonly manager: IAmqpConnectionManager,
    private readonly name: string,
    private readonly setup: (channel: ConfirmChannel) => Promise<void>,
    private readonly log: Logger,
  ) {
    this.manager.on('connect', this.onConnect);
  }

  get current(): ConfirmChannel | undefined {
    return this.channel;
  }

  /** Opens a channel now if the connection is up; rejects when the setup fails (e.g. a queue argument clash). */
  async start(): Promise<void> {
    if (this.manager.isConnected()) await this.open();
  }

  /** Resolves with the channel once one is ready, or undefined after a failed open or `timeoutMs`. */
  async waitFor(timeoutMs: number): Promise<ConfirmChannel | undefined> {
    if (this.channel || this.closed) return this.channel;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(this.channel);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.manager.removeListener('connect', this.onConnect);
    clearTimeout(this.reopenTimer);
    const channel = this.channel;
    this.channel = undefined;
    for (const waiter of [...this.waiters]) waiter();
    await channel?.close().catch(() => undefined);
  }

  private readonly onConnect = (): void => {
    this.open().catch((err: unknown) => {
      this.lastError = err;
      this.log.error({ err, channel: this.name }, 'channel setup failed');
      for (const waiter of [...this.waiters]) waiter();
    });
  };

  private open(): Promise<void> {
    if (this.opening) return this.opening;
    this.opening = this.doOpen().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const connection = this.manager.connection;
    if (this.closed || !connection || this.channel) return;
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err: unknown) => this.log.warn({ err, channel: this.name }, 'channel error'));
    channel.on('close', () => this.onChannelClose(channel));
    try {
      await this.setup(channel);
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.channel = channel;
    this.lastError = undefined;
    for (const waiter of [...this.waiters]) waiter();
  }

  private onChannelClose(channel: ConfirmChannel): void {
    if (this.channel === channel) this.channel = undefined;
    if (this.closed) return;
    // The connection's own reconnect re-opens us via 'connect'; a lone channel failure needs a retry here.
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      if (!this.closed && this.manager.isConnected() && !this.channel) this.onConnect();
    }, REOPEN_DELAY_MS);
    this.reopenTimer.unref();
  }
}

/** Publishes on a confirm channel and resolves when the broker confirms (rejects on nack or channel loss). */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Parameters<ConfirmChannel['publish']>[3],
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`publisher confirm timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      channel.publish(exchange, routingKey, content, options, (err: unknown) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error('message nacked by the broker'));
        else resolve();
      });
    } catch (err) {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
