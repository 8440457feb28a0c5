import { Logger } from '@nestjs/common';
import type { ConsumedRecord } from '../../../src/codec/kafka-record.js';
import type { RecordOutcome } from '../../../src/driver/kafka-driver.interface.js';
import { ConsumerEngine, type EngineSettings } from '../../../src/engine/consumer-engine.js';

const quiet = new (class extends Logger {
  override warn(): void {}
})('test');

const record = (topic: string, partition: number, offset: number): ConsumedRecord => ({ topic, partition, offset: String(offset), timestamp: '0', key: null, value: null, headers: {} });
const controls = { heartbeat: async () => undefined };
const turn = () => new Promise((resolve) => setImmediate(resolve));
const name = ({ topic, partition, offset }: ConsumedRecord) => `${topic}[${partition}]@${offset}`;

/** A driver under the engine: what it was asked to commit, pause and resume, and a handler to steer. */
function harness(settings: Partial<EngineSettings> = {}, handle: (record: ConsumedRecord) => Promise<RecordOutcome | void> = async () => undefined) {
  const commits: string[] = [];
  const pauses: string[] = [];
  const resumes: string[] = [];
  const started: string[] = [];
  let owned = (_topic: string, _partition: number) => true;
  const engine = new ConsumerEngine(
    (consumed) => {
      started.push(name(consumed));
      return handle(consumed);
    },
    {
      commit: async (offsets) => void commits.push(...offsets.map(({ topic, partition, offset }) => `${topic}[${partition}]=${offset}`)),
      pause: (topic, partition) => void pauses.push(`${topic}[${partition}]`),
      resume: (topic, partition, from) => void resumes.push(`${topic}[${partition}] from ${from}`),
      guard: { owns: (topic, partition) => owned(topic, partition), rebalanced: () => undefined },
    },
    { maxBacklog: 1_000, commit: true, ...settings },
    quiet,
  );
  return { engine, commits, pauses, resumes, started, own: (owns: typeof owned) => (owned = owns) };
}

/** A handler whose records finish when told to. */
function gate() {
  const open = new Map<string, (outcome?: RecordOutcome) => void>();
  const handle = (consumed: ConsumedRecord) => new Promise<RecordOutcome | void>((resolve) => open.set(name(consumed), resolve));
  const finish = async (key: string, outcome?: RecordOutcome) => {
    open.get(key)!(outcome);
    open.delete(key);
    await turn();
  };
  return { handle, finish, running: () => [...open.keys()] };
}

describe('ConsumerEngine', () => {
  it('runs each partition as its own lane: a record that waits holds back only the later records of its partition', async () => {
    const { handle, finish, running } = gate();
    const { engine, started } = harness({}, handle);
    for (const offset of [0, 1]) engine.offer(record('a', 0, offset), controls);
    engine.offer(record('a', 1, 0), controls);
    engine.offer(record('b', 0, 0), controls);
    await turn();
    expect(running()).toEqual(['a[0]@0', 'a[1]@0', 'b[0]@0']);
    await finish('b[0]@0');
    await finish('a[1]@0');
    expect(started).not.toContain('a[0]@1');
    await finish('a[0]@0');
    expect(running()).toEqual(['a[0]@1']);
  });

  it('bounds the records running at once by its concurrency', async () => {
    const { handle, finish, running } = gate();
    const { engine } = harness({ concurrency: 2 }, handle);
    for (const partition of [0, 1, 2, 3]) engine.offer(record('t', partition, 0), controls);
    await turn();
    expect(running()).toEqual(['t[0]@0', 't[1]@0']);
    await finish('t[1]@0');
    expect(running()).toEqual(['t[0]@0', 't[2]@0']);
  });

  it('commits each partition up to its lowest record not finished', async () => {
    const { handle, finish } = gate();
    const { engine, commits } = harness({}, handle);
    for (const offset of [5, 6]) engine.offer(record('t', 0, offset), controls);
    engine.offer(record('t', 1, 9), controls);
    await turn();
    await finish('t[1]@9');
    await engine.flush();
    expect(commits).toEqual(['t[1]=10']);
    await finish('t[0]@5');
    await engine.flush();
    expect(commits).toEqual(['t[1]=10', 't[0]=6']);
    await finish('t[0]@6');
    await engine.flush();
    expect(commits.at(-1)).toBe('t[0]=7');
  });

  it('commits nothing when commits are the handlers\' own (autoCommit: false)', async () => {
    const { engine, commits } = harness({ commit: false });
    engine.offer(record('t', 0, 0), controls);
    await turn();
    await engine.flush();
    expect(commits).toEqual([]);
  });

  it('skips a record offered again while handed out already (a partition read again from its last commit)', async () => {
    const { handle, finish } = gate();
    const { engine, started } = harness({}, handle);
    engine.offer(record('t', 0, 0), controls);
    engine.offer(record('t', 0, 1), controls);
    await turn();
    expect(engine.offer(record('t', 0, 0), controls)).toBe(true);
    expect(engine.offer(record('t', 0, 1), controls)).toBe(true);
    await finish('t[0]@0');
    await finish('t[0]@1');
    expect(started).toEqual(['t[0]@0', 't[0]@1']);
  });

  it('sends a record back with the rest of its partition: the partition pauses, then resumes from that record after a wait', async () => {
    const { handle, finish } = gate();
    const { engine, started, pauses, resumes, commits } = harness({}, handle);
    for (const offset of [0, 1, 2]) engine.offer(record('t', 0, offset), controls);
    await turn();
    await finish('t[0]@0');
    await finish('t[0]@1', 'redeliver');
    expect(pauses).toEqual(['t[0]']);
    // Held: what the driver still offers of the partition is refused, to come again.
    expect(engine.offer(record('t', 0, 3), controls)).toBe(false);
    await turn();
    // Record 2 was put back with 1: it did not run.
    expect(started).toEqual(['t[0]@0', 't[0]@1']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(resumes).toEqual(['t[0] from 1']);
    await engine.flush();
    expect(commits).toEqual(['t[0]=1']);
    expect(engine.offer(record('t', 0, 1), controls)).toBe(true);
    await turn();
    expect(started).toEqual(['t[0]@0', 't[0]@1', 't[0]@1']);
  });

  it('waits longer each time the same record comes back', async () => {
    const { engine, resumes } = harness({}, async () => 'redeliver');
    const resumedAfter = async () => {
      const since = Date.now();
      const before = resumes.length;
      engine.offer(record('t', 0, 0), controls);
      while (resumes.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
      return Date.now() - since;
    };
    const first = await resumedAfter();
    const second = await resumedAfter();
    expect(first).toBeGreaterThanOrEqual(290);
    expect(second).toBeGreaterThanOrEqual(590);
  });

  it('counts a handler that throws as a record sent back', async () => {
    const { engine, pauses } = harness({}, async () => {
      throw new Error('boom');
    });
    engine.offer(record('t', 0, 0), controls);
    await turn();
    await turn();
    expect(pauses).toEqual(['t[0]']);
    await engine.stop();
  });

  it('puts back what a handler\'s pause leaves unstarted, and resumes from it', async () => {
    const { handle, finish } = gate();
    const { engine, started, resumes } = harness({}, handle);
    for (const offset of [0, 1, 2]) engine.offer(record('t', 0, offset), controls);
    await turn();
    engine.pauseByHandler('t', 0);
    expect(engine.pausedByHandler('t', 0)).toBe(true);
    await finish('t[0]@0');
    expect(started).toEqual(['t[0]@0']);
    engine.resumeByHandler('t', 0);
    expect(resumes).toEqual(['t[0] from 1']);
    expect(engine.pausedByHandler('t', 0)).toBe(false);
  });

  it('pauses a partition whose backlog is full and resumes it once half of it finished', async () => {
    const { handle, finish } = gate();
    const { engine, pauses, resumes } = harness({ partitionBacklog: 4 }, handle);
    for (const offset of [0, 1, 2, 3]) engine.offer(record('t', 0, offset), controls);
    expect(pauses).toEqual(['t[0]']);
    await turn();
    await finish('t[0]@0');
    expect(resumes).toEqual([]);
    await finish('t[0]@1');
    expect(resumes).toEqual(['t[0] from 4']);
  });

  it('asks the driver to wait while the backlog of all partitions is full', async () => {
    const { handle, finish } = gate();
    const { engine } = harness({ maxBacklog: 2 }, handle);
    engine.offer(record('t', 0, 0), controls);
    expect(engine.room()).toBeUndefined();
    engine.offer(record('t', 1, 0), controls);
    const room = engine.room();
    expect(room).toBeInstanceOf(Promise);
    let roomy = false;
    void room!.then(() => (roomy = true));
    await turn();
    expect(roomy).toBe(false);
    await finish('t[1]@0');
    expect(roomy).toBe(true);
  });

  it('drops the partitions the member lost: what still runs of them commits nothing', async () => {
    const { handle, finish } = gate();
    const { engine, commits, started, own } = harness({}, handle);
    engine.offer(record('t', 0, 0), controls);
    engine.offer(record('t', 0, 1), controls);
    engine.offer(record('t', 1, 0), controls);
    await turn();
    own((_topic, partition) => partition === 1);
    engine.retain((_topic, partition) => partition === 1);
    await finish('t[0]@0');
    await finish('t[1]@0');
    await engine.flush();
    expect(commits).toEqual(['t[1]=1']);
    expect(started).not.toContain('t[0]@1');
  });

  it('starts no record while a rebalance is under way', async () => {
    const { engine, started } = harness();
    let joined!: () => void;
    engine.holdStarts(new Promise<void>((resolve) => (joined = resolve)));
    engine.offer(record('t', 0, 0), controls);
    await turn();
    expect(started).toEqual([]);
    joined();
    await turn();
    await turn();
    expect(started).toEqual(['t[0]@0']);
  });

  it('stops: takes nothing more, starts nothing waiting, lets what runs finish and commits it', async () => {
    const { handle, finish } = gate();
    const { engine, commits, started } = harness({}, handle);
    engine.offer(record('t', 0, 0), controls);
    engine.offer(record('t', 0, 1), controls);
    await turn();
    const stopped = engine.stop({ withinMs: 5_000, giveUp: () => undefined });
    expect(engine.offer(record('t', 1, 0), controls)).toBe(false);
    await finish('t[0]@0');
    await stopped;
    expect(started).toEqual(['t[0]@0']);
    expect(commits).toEqual(['t[0]=1']);
  });

  it('gives up on what still runs at the bound of the drain, and commits what finished', async () => {
    const { handle, finish } = gate();
    const { engine, commits } = harness({}, handle);
    engine.offer(record('t', 0, 0), controls);
    engine.offer(record('t', 1, 0), controls);
    await turn();
    await finish('t[1]@0');
    let gaveUp = false;
    const since = Date.now();
    await engine.stop({
      withinMs: 200,
      giveUp: () => {
        gaveUp = true;
        void finish('t[0]@0', 'redeliver');
      },
    });
    expect(gaveUp).toBe(true);
    expect(Date.now() - since).toBeGreaterThanOrEqual(190);
    expect(commits).toEqual(['t[1]=1']);
  });

  describe('batches', () => {
    const batchHarness = (maxRecords: number, maxWaitMs: number, outcomes: (records: ConsumedRecord[]) => Promise<RecordOutcome[]>) => {
      const batches: string[][] = [];
      const commits: string[] = [];
      const resumes: string[] = [];
      const engine = new ConsumerEngine(
        async () => undefined,
        {
          commit: async (offsets) => void commits.push(...offsets.map(({ topic, partition, offset }) => `${topic}[${partition}]=${offset}`)),
          pause: () => undefined,
          resume: (topic, partition, from) => void resumes.push(`${topic}[${partition}] from ${from}`),
        },
        {
          maxBacklog: 1_000,
          commit: true,
          batchOf: () => ({ maxRecords, maxWaitMs }),
          runBatch: async (records) => {
            batches.push(records.map(name));
            return outcomes(records);
          },
        },
        quiet,
      );
      return { engine, batches, commits, resumes };
    };

    it('hands a partition its records in batches of up to maxRecords, in offset order, and commits what each finished', async () => {
      const { engine, batches, commits } = batchHarness(3, 1_000, async (records) => records.map(() => 'commit'));
      for (const offset of [0, 1, 2, 3, 4, 5]) engine.offer(record('t', 0, offset), controls);
      engine.offer(record('t', 1, 0), controls);
      await turn();
      await turn();
      expect(batches).toEqual([
        ['t[0]@0', 't[0]@1', 't[0]@2'],
        ['t[0]@3', 't[0]@4', 't[0]@5'],
      ]);
      await engine.flush();
      expect(commits.at(-1)).toBe('t[0]=6');
    });

    it('sends a batch smaller than maxRecords once maxWaitMs passed since its first record', async () => {
      const { engine, batches } = batchHarness(100, 30, async (records) => records.map(() => 'commit'));
      engine.offer(record('t', 0, 0), controls);
      engine.offer(record('t', 0, 1), controls);
      await turn();
      expect(batches).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(batches).toEqual([['t[0]@0', 't[0]@1']]);
    });

    it('sends back the first record a batch could not finish, and every record after it', async () => {
      const { engine, commits, resumes } = batchHarness(4, 1_000, async (records) => records.map((_, index) => (index === 2 ? 'redeliver' : 'commit')));
      for (const offset of [0, 1, 2, 3]) engine.offer(record('t', 0, offset), controls);
      await turn();
      await turn();
      await engine.flush();
      expect(commits).toEqual(['t[0]=2']);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(resumes).toEqual(['t[0] from 2']);
    });

    it('lets a stop run nothing gathered', async () => {
      const { engine, batches } = batchHarness(100, 10_000, async (records) => records.map(() => 'commit'));
      engine.offer(record('t', 0, 0), controls);
      await engine.stop();
      expect(batches).toEqual([]);
    });
  });

  it('keeps every partition in order, commits only what finished, and runs each record once, under random timings', async () => {
    const handled = new Map<number, number[]>();
    const { engine, commits } = harness({ concurrency: 3, maxBacklog: 50 }, async (consumed) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      const list = handled.get(consumed.partition) ?? [];
      list.push(Number(consumed.offset));
      handled.set(consumed.partition, list);
    });
    const next = [0, 0, 0, 0];
    for (let n = 0; n < 400; n += 1) {
      const partition = Math.floor(Math.random() * 4);
      engine.offer(record('t', partition, next[partition]++), controls);
      const room = engine.room();
      if (room) await room;
    }
    const count = () => [...handled.values()].reduce((sum, offsets) => sum + offsets.length, 0);
    while (count() < 400) await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.flush();
    for (const [partition, offsets] of handled) expect(offsets).toEqual(Array.from({ length: next[partition] }, (_, offset) => offset));
    const last = new Map(commits.map((entry) => entry.split('=') as [string, string]));
    for (const [partition, count] of next.entries()) expect(last.get(`t[${partition}]`)).toBe(String(count));
  });
});
