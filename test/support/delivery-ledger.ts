import { waitFor } from '../../src/testing/index.js';

/**
 * Counts, for one fault scenario, what the broker acknowledged against what the handlers saw:
 * every acknowledged number must be handled (lost = 0); a number handled more than once is a
 * duplicate, which at-least-once delivery allows and the report shows.
 */
export class DeliveryLedger {
  readonly acknowledged = new Set<number>();
  readonly failed = new Map<number, string>();
  private readonly handledCounts = new Map<number, number>();

  constructor(
    readonly scenario: string,
    readonly first: number,
    private readonly count: number,
  ) {}

  /** Whether `n` is one of this scenario's numbers. */
  owns(n: number): boolean {
    return n >= this.first && n < this.first + this.count;
  }

  handled(n: number): void {
    this.handledCounts.set(n, (this.handledCounts.get(n) ?? 0) + 1);
  }

  /** Tracks a send: acknowledged when it resolves, failed (with the error's name) when it rejects. */
  track(n: number, sent: Promise<unknown>): Promise<void> {
    return sent.then(
      () => void this.acknowledged.add(n),
      (error: unknown) => void this.failed.set(n, (error as Error)?.name ?? String(error)),
    );
  }

  lost(): number[] {
    return [...this.acknowledged].filter((n) => !this.handledCounts.has(n)).sort((a, b) => a - b);
  }

  duplicates(): number {
    let extra = 0;
    for (const count of this.handledCounts.values()) extra += count - 1;
    return extra;
  }

  /** Waits until every acknowledged number was handled, or the deadline passes (then lost() names the gap). */
  async settle(timeoutMs: number): Promise<void> {
    await waitFor(() => this.lost().length === 0, { timeoutMs, what: `${this.scenario}: every acknowledged message handled` }).catch(() => undefined);
  }

  report(extra: Record<string, unknown> = {}): string {
    const failures = new Map<string, number>();
    for (const name of this.failed.values()) failures.set(name, (failures.get(name) ?? 0) + 1);
    const lost = this.lost();
    return [
      `[fault] ${this.scenario}:`,
      `acknowledged ${this.acknowledged.size}`,
      `handled ${this.handledCounts.size}`,
      `lost ${lost.length}${lost.length > 0 ? ` (${lost.slice(0, 20).join(', ')}${lost.length > 20 ? ', ...' : ''})` : ''}`,
      `duplicates ${this.duplicates()}`,
      `send failures ${this.failed.size}${failures.size > 0 ? ` (${[...failures].map(([name, count]) => `${name} x${count}`).join(', ')})` : ''}`,
      ...Object.entries(extra).map(([key, value]) => `${key} ${String(value)}`),
    ].join(', ');
  }
}
