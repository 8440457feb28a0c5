/**
 * What kafkajs 2.2.4 does when an option is left out. The options users pass are kafkajs's (as
 * Nest's), so every driver and every wait of the transport applies these same values: the same
 * options mean the same on either driver.
 */
export const KAFKAJS_CONSUMER_DEFAULTS = { sessionTimeout: 30_000, rebalanceTimeout: 60_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 5_000 };

/** `client.connectionTimeout`. */
export const KAFKAJS_CONNECTION_TIMEOUT_MS = 1000;

/** A `retry` section (client, consumer or producer), with kafkajs's defaults for what it leaves out. */
export interface RetrySettings {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
  factor: number;
  multiplier: number;
}

export const KAFKAJS_RETRY_DEFAULTS: RetrySettings = { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000, factor: 0.2, multiplier: 2 };

export function retryWithDefaults(retry: Partial<RetrySettings> | undefined): RetrySettings {
  return { ...KAFKAJS_RETRY_DEFAULTS, ...retry };
}

/**
 * The wait before retry `attempt` (1 is the first retry): kafkajs's exponential backoff, capped,
 * without its random factor, so that the bound a wait reports is the bound it keeps.
 */
export function retryDelayMs(retry: RetrySettings, attempt: number): number {
  return Math.min(retry.maxRetryTime, retry.initialRetryTime * retry.multiplier ** Math.max(0, attempt - 1));
}
