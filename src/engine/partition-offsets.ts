/** One record handed out: finishing it goes through this, so a record forgotten by rewind() finishes into nothing. */
export interface OffsetTicket {
  readonly offset: bigint;
}

/**
 * What may be committed of one partition while several of its records are in flight: offsets are
 * handed out in order and may finish in any order, and the commit names the lowest offset not yet
 * finished, so that a crash redelivers every unfinished record and skips none (Confluent's parallel
 * consumer commits the same way). Offsets may have gaps (compaction, transaction markers): a gap is
 * nothing to wait for.
 */
export class PartitionOffsets {
  // Handed out and not yet passed by the commit point, in offset order.
  private readonly outstanding: OffsetTicket[] = [];
  private readonly live = new Set<OffsetTicket>();
  private readonly finished = new Set<OffsetTicket>();
  // The offset after the last record handed out: what to commit once everything finished.
  private next?: bigint;
  private lastCommitted?: bigint;

  /** Records of the partition handed to handlers and not finished yet. */
  get inFlight(): number {
    return this.live.size - this.finished.size;
  }

  /** The offset after the last record handed out: a record below it was handed out already. */
  get nextOffset(): bigint | undefined {
    return this.next;
  }

  /** Whether the record is still to be finished: not finished yet, nor forgotten by rewind(). */
  isLive(ticket: OffsetTicket): boolean {
    return this.live.has(ticket) && !this.finished.has(ticket);
  }

  handOut(offset: bigint): OffsetTicket {
    if (this.next !== undefined && offset < this.next) {
      throw new Error(`offset ${offset} handed out after ${this.next - 1n}: records of a partition are handed out in order (rewind() first to read again)`);
    }
    const ticket = { offset };
    this.outstanding.push(ticket);
    this.live.add(ticket);
    this.next = offset + 1n;
    return ticket;
  }

  /** Marks a record finished (handled, or given up on for good); false when rewind() had forgotten it. */
  finish(ticket: OffsetTicket): boolean {
    if (!this.live.has(ticket)) return false;
    this.finished.add(ticket);
    while (this.outstanding.length > 0 && this.finished.has(this.outstanding[0])) {
      const passed = this.outstanding.shift()!;
      this.finished.delete(passed);
      this.live.delete(passed);
    }
    return true;
  }

  /** The offset to commit now (the next record to read), or undefined when it would commit nothing new. */
  committable(): bigint | undefined {
    const upTo = this.outstanding.length > 0 ? this.outstanding[0].offset : this.next;
    if (upTo === undefined || (this.lastCommitted !== undefined && upTo <= this.lastCommitted)) return undefined;
    return upTo;
  }

  /** Records that `offset` was committed, so that it is not offered again. */
  committed(offset: bigint): void {
    if (this.lastCommitted === undefined || offset > this.lastCommitted) this.lastCommitted = offset;
  }

  /**
   * Forgets every record from `offset` on: the partition is read again from there (a redelivery, a
   * seek). Those records' handlers, if still running, finish into nothing: the records come again.
   */
  rewind(offset: bigint): void {
    while (this.outstanding.length > 0 && this.outstanding.at(-1)!.offset >= offset) {
      const forgotten = this.outstanding.pop()!;
      this.live.delete(forgotten);
      this.finished.delete(forgotten);
    }
    if (this.next === undefined || this.next > offset) this.next = offset;
  }
}
