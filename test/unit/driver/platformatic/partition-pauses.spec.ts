import { PartitionPauses } from '../../../../src/driver/platformatic/partition-pauses.js';

describe('PartitionPauses (kafkajs pause semantics for the platformatic driver)', () => {
  const held = new Map([
    ['orders', [0, 1, 2]],
    ['audit', [0]],
  ]);

  it('pauses listed partitions only, and lists them among those the member holds', () => {
    const pauses = new PartitionPauses();
    pauses.pause([{ topic: 'orders', partitions: [2, 0] }]);
    expect(pauses.isPaused('orders', 0)).toBe(true);
    expect(pauses.isPaused('orders', 1)).toBe(false);
    expect(pauses.isPaused('audit', 0)).toBe(false);
    expect(pauses.paused(held)).toEqual([{ topic: 'orders', partitions: [0, 2] }]);
  });

  it('pauses a whole topic without partitions; a partition resumed on its own leaves the topic paused', () => {
    const pauses = new PartitionPauses();
    pauses.pause([{ topic: 'orders' }]);
    expect(pauses.paused(held)).toEqual([{ topic: 'orders', partitions: [0, 1, 2] }]);
    pauses.resume([{ topic: 'orders', partitions: [1] }]);
    expect(pauses.paused(held)).toEqual([{ topic: 'orders', partitions: [0, 2] }]);
    pauses.resume([{ topic: 'orders' }]);
    expect(pauses.paused(held)).toEqual([]);
  });

  it('ends a whole-topic pause when listed partitions are paused, as kafkajs does', () => {
    const pauses = new PartitionPauses();
    pauses.pause([{ topic: 'orders' }]);
    pauses.pause([{ topic: 'orders', partitions: [1] }]);
    expect(pauses.paused(held)).toEqual([{ topic: 'orders', partitions: [1] }]);
  });

  it('asks for a reread only when a resumed partition had records held back', () => {
    const pauses = new PartitionPauses();
    pauses.pause([{ topic: 'orders', partitions: [0, 1] }]);
    expect(pauses.resume([{ topic: 'orders', partitions: [1] }])).toBe(false);
    pauses.holdBack('orders', 0);
    expect(pauses.resume([{ topic: 'audit' }])).toBe(false);
    expect(pauses.resume([{ topic: 'orders', partitions: [0] }])).toBe(true);
    // Asked once: the new stream reads it again.
    expect(pauses.resume([{ topic: 'orders', partitions: [0] }])).toBe(false);
  });

  it('forgets held-back records once a new stream reads from the commits', () => {
    const pauses = new PartitionPauses();
    pauses.pause([{ topic: 'orders' }]);
    pauses.holdBack('orders', 2);
    pauses.reread();
    expect(pauses.resume([{ topic: 'orders' }])).toBe(false);
  });

  it('refuses what kafkajs would not take, naming the shape it takes', () => {
    const pauses = new PartitionPauses();
    expect(() => pauses.pause({ topic: 'orders' } as never)).toThrow(/pause\(\) takes a list of \{ topic, partitions\? \}/);
    expect(() => pauses.resume([{ topic: 'orders', partitions: ['0'] }] as never)).toThrow(TypeError);
  });
});
