export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Names what was awaited, for the timeout error. */
  what: string;
  /** Errors of this class end the wait at once instead of being retried. */
  stopOn?: new (...args: never[]) => Error;
}

/**
 * Polls `check` until it returns a value other than `false`/`undefined`, or fails when the deadline
 * passes. Tests use it instead of fixed sleeps, so they are as fast as the broker allows.
 */
export async function waitFor<T>(
  check: () => T | false | undefined | Promise<T | false | undefined>,
  options: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false && result !== undefined) return result;
    } catch (error) {
      if (options.stopOn && error instanceof options.stopOn) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${reason}`);
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, options.intervalMs ?? 100));
  }
}
