import type { TlsFailedError } from '../errors/tls-failed.error.js';

/**
 * Lets a start-up (`listen()`, `connect()`) fail at the first failure that retrying cannot mend,
 * instead of when the driver's retries run out. Reports after start-up are ignored: by then the
 * driver's own reconnects and errors apply.
 */
export class StartUpGuard {
  private reject?: (error: TlsFailedError) => void;
  private readonly failed = new Promise<never>((_, reject) => (this.reject = reject));

  constructor() {
    // Nobody may be racing when a report comes.
    this.failed.catch(() => undefined);
  }

  readonly report = (error: TlsFailedError): void => {
    this.reject?.(error);
    this.reject = undefined;
  };

  /** Settles as `work` does, or rejects at the first report. */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    return Promise.race([work, this.failed]);
  }
}
