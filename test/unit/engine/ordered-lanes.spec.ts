import { OrderedLanes } from '../../../src/engine/ordered-lanes.js';

const tick = (ms = 0) => new Promise((wake) => setTimeout(wake, ms));

describe('OrderedLanes', () => {
  it('runs the tasks of one lane one after another, in the order given', async () => {
    const lanes = new OrderedLanes(8);
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([lanes.run('p0', task('a', 20)), lanes.run('p0', task('b', 1)), lanes.run('p0', task('c', 1))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs different lanes at once, up to the bound', async () => {
    const lanes = new OrderedLanes(2);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await tick(10);
      running -= 1;
    };
    const all = ['k1', 'k2', 'k3', 'k4'].map((lane) => lanes.run(lane, task));
    expect(lanes.running).toBe(2);
    expect(lanes.queued).toBe(2);
    await Promise.all(all);
    expect(most).toBe(2);
  });

  it('lets a later lane pass a lane that waits for its own earlier task', async () => {
    const lanes = new OrderedLanes(2);
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void lanes.run('slow', () => ((started.push('slow 1'), held)));
    void lanes.run('slow', async () => void started.push('slow 2'));
    const fast = lanes.run('fast', async () => void started.push('fast'));
    await fast;
    expect(started).toEqual(['slow 1', 'fast']);
    release();
    await lanes.idle();
    expect(started).toEqual(['slow 1', 'fast', 'slow 2']);
  });

  it('keeps a group of lanes to its own bound while other lanes run', async () => {
    const lanes = new OrderedLanes(100);
    const partition = { limit: 2, running: 0 };
    let most = 0;
    const task = async () => {
      most = Math.max(most, partition.running);
      await tick(5);
    };
    const grouped = ['k1', 'k2', 'k3', 'k4', 'k5'].map((lane) => lanes.run(`p0:${lane}`, task, partition));
    const other = lanes.run('p1', async () => undefined);
    expect(lanes.running).toBe(3);
    await Promise.all([...grouped, other]);
    expect(most).toBe(2);
    expect(partition.running).toBe(0);
  });

  it('passes a failure to its caller and frees the lane for the next task', async () => {
    const lanes = new OrderedLanes(1);
    const failed = lanes.run('p0', async () => {
      throw new Error('handler failed');
    });
    const next = lanes.run('p0', async () => 'next ran');
    await expect(failed).rejects.toThrow('handler failed');
    await expect(next).resolves.toBe('next ran');
    const thrown = lanes.run('p0', () => {
      throw new Error('thrown synchronously');
    });
    await expect(thrown).rejects.toThrow('thrown synchronously');
  });

  it('keeps per-lane order and the bound under random timings', async () => {
    const lanes = new OrderedLanes(16);
    const seen = new Map<string, number[]>();
    const active = new Set<string>();
    let running = 0;
    let overlaps = 0;
    let most = 0;
    const jobs: Promise<void>[] = [];
    for (let offset = 0; offset < 2000; offset += 1) {
      const lane = `key-${Math.floor(Math.random() * 50)}`;
      jobs.push(
        lanes.run(lane, async () => {
          if (active.has(lane)) overlaps += 1;
          active.add(lane);
          running += 1;
          most = Math.max(most, running);
          await tick(Math.random() < 0.5 ? 0 : 1);
          seen.set(lane, [...(seen.get(lane) ?? []), offset]);
          running -= 1;
          active.delete(lane);
        }),
      );
    }
    await Promise.all(jobs);
    expect(overlaps).toBe(0);
    expect(most).toBeLessThanOrEqual(16);
    for (const offsets of seen.values()) expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect([...seen.values()].reduce((sum, offsets) => sum + offsets.length, 0)).toBe(2000);
  });

  it('tells when nothing runs or waits', async () => {
    const lanes = new OrderedLanes(1);
    await lanes.idle();
    let done = false;
    void lanes.run('p0', async () => {
      await tick(10);
      done = true;
    });
    await lanes.idle();
    expect(done).toBe(true);
  });

  it('refuses a bound below one', () => {
    expect(() => new OrderedLanes(0)).toThrow('at least 1');
  });
});
