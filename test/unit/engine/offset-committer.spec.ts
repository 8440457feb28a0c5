import { Logger } from '@nestjs/common';
import { OffsetCommitter } from '../../../src/engine/offset-committer.js';

type Committed = { topic: string; partition: number; offset: bigint }[];

const quiet = new (class extends Logger {
  override warn(): void {}
})('test');

describe('OffsetCommitter', () => {
  it('commits what was handled, the next offset per partition, together', async () => {
    const commits: Committed[] = [];
    const committer = new OffsetCommitter(async (offsets) => void commits.push(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset }))), quiet);
    committer.handled('t', 0, 4n, 0);
    committer.handled('t', 0, 5n, 0);
    committer.handled('t', 1, 9n, 0);
    await committer.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 6n }, { topic: 't', partition: 1, offset: 10n }]]);
  });

  it('sends no commit for a partition whose offset has not moved since the broker took it, and tries again one that failed', async () => {
    const commits: Committed[] = [];
    let fail = false;
    const committer = new OffsetCommitter(async (offsets) => {
      if (fail) throw new Error('coordinator moved');
      commits.push(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
    }, quiet);
    committer.upTo('t', 0, 5n);
    await committer.flush();
    committer.upTo('t', 0, 5n);
    committer.upTo('t', 1, 2n);
    await committer.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 5n }], [{ topic: 't', partition: 1, offset: 2n }]]);
    fail = true;
    committer.upTo('t', 0, 6n);
    await committer.flush();
    fail = false;
    committer.upTo('t', 0, 6n);
    await committer.flush();
    expect(commits.at(-1)).toEqual([{ topic: 't', partition: 0, offset: 6n }]);
  });

  it('leaves a commit on its way as it was sent, and commits what was handled meanwhile right after', async () => {
    const commits: Committed[] = [];
    let finish!: () => void;
    const firstCommit = new Promise<void>((resolve) => (finish = resolve));
    const sent: Committed[] = [];
    const committer = new OffsetCommitter(async (offsets) => {
      sent.push(offsets);
      commits.push(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
      if (commits.length === 1) await firstCommit;
    }, quiet);
    committer.handled('t', 0, 1n, 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 2n }]]);
    committer.handled('t', 0, 2n, 0);
    committer.handled('t', 0, 3n, 0);
    finish();
    await committer.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 2n }], [{ topic: 't', partition: 0, offset: 4n }]]);
    // What the first commit carried was not changed by records handled while it was on its way.
    expect(sent[0]).toEqual([expect.objectContaining({ offset: 2n })]);
  });

  it('starts no commit during a rebalance, then commits only the partitions the member still holds', async () => {
    const commits: Committed[] = [];
    let owned = new Set(['t:0', 't:1']);
    let joined!: () => void;
    let rebalance: Promise<void> | undefined = new Promise<void>((resolve) => (joined = resolve));
    const committer = new OffsetCommitter(async (offsets) => void commits.push(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset }))), quiet, {
      owns: (topic, partition) => owned.has(`${topic}:${partition}`),
      rebalanced: () => rebalance,
    });
    committer.handled('t', 0, 4n, 0);
    committer.handled('t', 1, 7n, 0);
    const flushed = committer.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toEqual([]);
    // The group gave partition 0 to another member: a commit for it now would set its new owner back.
    owned = new Set(['t:1']);
    rebalance = undefined;
    joined();
    await flushed;
    expect(commits).toEqual([[{ topic: 't', partition: 1, offset: 8n }]]);
  });
});
