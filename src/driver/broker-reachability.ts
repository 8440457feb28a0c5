import type { Logger } from '@nestjs/common';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import type { ResolvedKafkaOptions } from '../options/resolve-options.js';
import { KAFKAJS_CONNECTION_TIMEOUT_MS, retryDelayMs, retryWithDefaults, type RetrySettings } from './kafkajs-defaults.js';

/** Opens and closes one TCP connection; rejects with the socket's error or a timeout. */
function touch(address: string, timeoutMs: number): Promise<void> {
  const at = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms (client.connectionTimeout)`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** The first address that accepts a connection, or every address's failure. */
async function anyReachable(addresses: string[], timeoutMs: number): Promise<string[] | undefined> {
  const failures = await Promise.all(addresses.map((address) => touch(address, timeoutMs).then(() => undefined, (error: NodeJS.ErrnoException) => `${address}: ${error.code ?? error.message}`)));
  return failures.includes(undefined) ? undefined : (failures as string[]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Waits until one of `client.brokers` accepts a TCP connection, retrying as `client.retry` says,
 * before any driver connects. Both drivers, left to themselves, retry for ~10 s and then fail with
 * their own raw error (kafkajs logging two warnings with stacks per retry, platformatic nothing);
 * this fails start-up with one BrokerUnavailableError naming the addresses and the options that
 * bound the wait, and warns once per retry. A custom `socketFactory` or a brokers function means
 * the addresses are not plain TCP ones to try: the driver's own retries apply then.
 */
/** `signal`: aborted by close(), with the error start-up then fails with. */
export async function awaitReachableBroker(settings: ResolvedKafkaOptions, logger: Logger, signal: AbortSignal): Promise<void> {
  const client = settings.client as { socketFactory?: unknown; connectionTimeout?: number; retry?: Partial<RetrySettings> };
  if (!Array.isArray(settings.brokers) || client.socketFactory !== undefined) return;
  const addresses = settings.brokers;
  const retry = retryWithDefaults(client.retry);
  const timeoutMs = client.connectionTimeout ?? KAFKAJS_CONNECTION_TIMEOUT_MS;
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const failures = await anyReachable(addresses, timeoutMs);
    if (signal.aborted) throw signal.reason;
    if (!failures) return;
    if (attempt > retry.retries) {
      throw new BrokerUnavailableError(
        `No Kafka broker of client.brokers could be reached (${failures.join('; ')}), in ${attempt} attempts over ${seconds(Date.now() - started)}. ` +
          `Check that the brokers run and that client.brokers names their host:port; the wait is bounded by client.retry ` +
          `(retries: ${retry.retries}, initialRetryTime: ${retry.initialRetryTime} ms, maxRetryTime: ${retry.maxRetryTime} ms) and client.connectionTimeout (${timeoutMs} ms)`,
      );
    }
    const waitMs = retryDelayMs(retry, attempt);
    logger.warn(`no Kafka broker of client.brokers reachable (${failures.join('; ')}); trying again in ${waitMs} ms (attempt ${attempt + 1} of ${retry.retries + 1})`);
    // Rejects with the signal's reason when close() is called meanwhile: nothing is logged after it.
    await sleep(waitMs, undefined, { signal }).catch(() => {
      throw signal.reason;
    });
  }
}
