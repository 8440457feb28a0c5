import { PartitionOffsets } from '../../../src/engine/partition-offsets.js';

describe('PartitionOffsets', () => {
  it('commits nothing before a record is handed out, and up to the lowest unfinished one after', () => {
    const offsets = new PartitionOffsets();
    expect(offsets.committable()).toBeUndefined();
    const [r10, r11, r12] = [10n, 11n, 12n].map((offset) => offsets.handOut(offset));
    expect(offsets.committable()).toBe(10n);
    offsets.finish(r11);
    offsets.finish(r12);
    // 10 still runs: committing past it would lose it on a crash.
    expect(offsets.committable()).toBe(10n);
    expect(offsets.inFlight).toBe(1);
    offsets.finish(r10);
    expect(offsets.committable()).toBe(13n);
    expect(offsets.inFlight).toBe(0);
  });

  it('offers each commit once', () => {
    const offsets = new PartitionOffsets();
    offsets.finish(offsets.handOut(0n));
    expect(offsets.committable()).toBe(1n);
    offsets.committed(1n);
    expect(offsets.committable()).toBeUndefined();
    offsets.handOut(1n);
    expect(offsets.committable()).toBeUndefined();
  });

  it('steps over gaps in the offsets', () => {
    const offsets = new PartitionOffsets();
    const r5 = offsets.handOut(5n);
    const r9 = offsets.handOut(9n);
    offsets.finish(r5);
    expect(offsets.committable()).toBe(9n);
    offsets.finish(r9);
    expect(offsets.committable()).toBe(10n);
  });

  it('refuses an offset handed out out of order', () => {
    const offsets = new PartitionOffsets();
    offsets.handOut(3n);
    expect(() => offsets.handOut(3n)).toThrow('handed out in order');
  });

  it('forgets records from a rewind on, whose late finishes change nothing', () => {
    const offsets = new PartitionOffsets();
    const [r0, r1, r2] = [0n, 1n, 2n].map((offset) => offsets.handOut(offset));
    offsets.finish(r0);
    offsets.rewind(1n);
    expect(offsets.committable()).toBe(1n);
    expect(offsets.inFlight).toBe(0);
    // The records come again; the first run of 2 finishing must not count for the second.
    const again1 = offsets.handOut(1n);
    offsets.handOut(2n);
    expect(offsets.finish(r2)).toBe(false);
    expect(offsets.finish(r1)).toBe(false);
    offsets.finish(again1);
    expect(offsets.committable()).toBe(2n);
  });

  it('holds under any order of finishing: the commit never passes an unfinished record', () => {
    for (let run = 0; run < 200; run += 1) {
      const offsets = new PartitionOffsets();
      const tickets = Array.from({ length: 30 }, (_, index) => offsets.handOut(BigInt(index * 2)));
      const unfinished = new Set(tickets);
      for (const ticket of [...tickets].sort(() => Math.random() - 0.5)) {
        offsets.finish(ticket);
        unfinished.delete(ticket);
        const lowest = [...unfinished].reduce<bigint | undefined>((low, next) => (low === undefined || next.offset < low ? next.offset : low), undefined);
        expect(offsets.committable()).toBe(lowest ?? 59n);
      }
    }
  });
});
