import { DeadlineQueue } from '../../../src/server/deadline-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineQueue', () => {
  it('expires, in order and not before its deadline, each entry that outlived its bound, and none that settled in time', async () => {
    const queue = new DeadlineQueue(40);
    const expired: { name: string; at: number; late: number }[] = [];
    const add = (name: string) => {
      const entry = queue.add(() => expired.push({ name, at: entry.at, late: Date.now() }));
      return entry;
    };
    add('first');
    await sleep(15);
    add('second');
    queue.settle(add('third'));
    // The one timer, armed for the first, is armed again for the second.
    while (expired.length < 2) await sleep(5);
    await sleep(60);
    expect(expired.map(({ name }) => name)).toEqual(['first', 'second']);
    for (const { at, late } of expired) expect(late).toBeGreaterThanOrEqual(at);
    expect(queue.size).toBe(0);
  });

  it('keeps nothing for work that settles as it goes, and ends with clear()', async () => {
    const queue = new DeadlineQueue(20);
    const expired: number[] = [];
    for (let n = 0; n < 5000; n += 1) queue.settle(queue.add(() => expired.push(n)));
    expect(queue.size).toBe(0);
    const late = queue.add(() => expired.push(-1));
    queue.clear();
    await sleep(40);
    expect(expired).toEqual([]);
    expect(late.settled).toBe(false);
  });

  it('drops settled entries behind one still waiting once they are most of the queue', () => {
    const queue = new DeadlineQueue(60_000);
    const waiting = Array.from({ length: 3000 }, () => queue.add(() => undefined));
    // All but the last settle, the first one last: until then none can be dropped.
    for (const entry of waiting.slice(1, -1)) queue.settle(entry);
    expect(queue.size).toBe(3000);
    queue.settle(waiting[0]);
    expect(queue.size).toBe(1);
    queue.clear();
  });
});
