/** Nest's server hooks around each message (`setOnProcessingStartHook` / `setOnProcessingEndHook`). */
export interface ProcessingHooks {
  transportId: unknown;
  /** Runs `done`, which handles the message, inside whatever the hook sets up (a span, an AsyncLocalStorage store). */
  start: (transportId: never, context: never, done: () => Promise<unknown>) => unknown;
  end: (transportId: never, context: never) => void;
  /** An end hook that throws must not fail a message that was handled. */
  onEndHookError: (error: unknown) => void;
}

/**
 * Runs `handle` between the processing hooks as Nest's own servers do: the handler runs inside the
 * start hook's `done`, so what the hook sets up (AsyncLocalStorage, a tracing context) is what the
 * handler sees; the end hook runs once, when `handle` calls `end` (a reply stream ends later than
 * its handler returns) or when `handle` fails. The start hook's own return value is not relied
 * on: Nest types it `void`, and a hook may drop `done`'s promise.
 */
export function runWithProcessingHooks<T>(hooks: ProcessingHooks, context: unknown, handle: (end: () => void) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      try {
        hooks.end(hooks.transportId as never, context as never);
      } catch (error) {
        hooks.onEndHookError(error);
      }
    };
    const done = () => {
      let handled: Promise<T>;
      try {
        handled = handle(end);
      } catch (error) {
        handled = Promise.reject(error);
      }
      handled.then(resolve, (error: unknown) => {
        end();
        reject(error);
      });
      return handled;
    };
    try {
      // A start hook that fails, before or after calling done, fails the message as its handler would.
      Promise.resolve(hooks.start(hooks.transportId as never, context as never, done)).catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}
