import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, InvalidOptionError, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopics, testBrokers, testDriver, testKafka } from '../../support/test-kafka.js';

const REPLY_CLIENT = fileURLToPath(new URL('../../support/fixtures/reply-client.mjs', import.meta.url));
const KIP_848 = { driver: 'platformatic', groupProtocol: 'consumer' } as const;

/** The reply-client fixture, with every line it printed so far. */
function startChildClient(pattern: string, groupId: string): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [REPLY_CLIENT, pattern, groupId, testBrokers().join(',')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => void lines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => void lines.push(`stderr: ${chunk.toString()}`));
  return { child, lines };
}

if (testDriver().driver !== 'platformatic') {
  describe('the KIP-848 consumer group protocol on kafkajs', () => {
    it('is refused at construction, naming the option and the driver that has it', () => {
      const refused = () => new ClientKafka({ client: { brokers: testBrokers() }, ...testDriver(), groupProtocol: 'consumer' });
      expect(refused).toThrow(InvalidOptionError);
      expect(refused).toThrow(/"groupProtocol".*driver: 'platformatic'/);
    });
  });
} else {
  describe('reply partitions under the KIP-848 consumer group protocol', () => {
    const cleanups: (() => unknown)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('a client instance the broker fenced (its process paused past the session) fails its waiting request at once, and the instance that took its partition is answered', async () => {
      const pattern = uniqueTopic('kip848-fenced');
      // One reply partition: the second instance can only have it once the broker took it from the first.
      await createTopics(testKafka(), [pattern, `${pattern}.reply`], 1);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const received: unknown[] = [];
      const server = new ServerKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('kip848-server') }, subscribe: { fromBeginning: true }, handlerTimeout: false, ...KIP_848 });
      server.addHandler(
        pattern,
        async (data: unknown) => {
          received.push(data);
          await held;
          return 'late answer';
        },
        false,
      );
      await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error as Error) : resolve())));
      cleanups.push(() => server.close());

      const groupId = uniqueGroupId('kip848-callers');
      const first = startChildClient(pattern, groupId);
      cleanups.push(() => first.child.kill('SIGKILL'));
      await waitFor(() => first.lines.includes('assigned 0'), { timeoutMs: 45_000, what: `the child client's reply partition (${first.lines.join(' | ')})` });
      first.child.stdin!.write('send\n');
      await waitFor(() => received.length === 1, { timeoutMs: 30_000, what: "the child's request at the server" });

      first.child.kill('SIGSTOP');
      cleanups.push(() => first.child.kill('SIGCONT'));
      const second = new ClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId }, postfixId: '', requestTimeout: 30_000, ...KIP_848 });
      second.subscribeToResponseOf(pattern);
      cleanups.push(() => second.close());
      await second.connect();
      await waitFor(() => second.getConsumerAssignments()[`${pattern}.reply`] === 0, { timeoutMs: 45_000, what: 'the paused instance partition at the second instance' });

      const resumedAt = Date.now();
      first.child.kill('SIGCONT');
      await waitFor(() => first.lines.some((line) => line.startsWith('failed ') || line.startsWith('answered ')), { timeoutMs: 30_000, what: "the paused instance's request to end" });
      expect(first.lines.find((line) => line.startsWith('failed '))).toMatch(/^failed ReplyPartitionUnavailableError .*moved partition 0/);
      // Its request timeout is 60 s: it failed because the group took the partition, not by waiting.
      expect(Date.now() - resumedAt).toBeLessThan(15_000);

      release();
      await expect(firstValueFrom(second.send(pattern, { from: 'second' }))).resolves.toBe('late answer');
    });

    it('a client instance the broker fenced and then gave its partition back answers again, and logs no error about missing partitions while it joins again', async () => {
      const pattern = uniqueTopic('kip848-back');
      await createTopics(testKafka(), [pattern, `${pattern}.reply`], 1);
      const server = new ServerKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('kip848-server') }, subscribe: { fromBeginning: true }, ...KIP_848 });
      server.addHandler(pattern, async (data: unknown) => data, false);
      await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error as Error) : resolve())));
      cleanups.push(() => server.close());

      const only = startChildClient(pattern, uniqueGroupId('kip848-alone'));
      cleanups.push(() => only.child.kill('SIGKILL'));
      await waitFor(() => only.lines.includes('assigned 0'), { timeoutMs: 45_000, what: `the child client's reply partition (${only.lines.join(' | ')})` });
      only.child.kill('SIGSTOP');
      cleanups.push(() => only.child.kill('SIGCONT'));
      // Past the test broker's session (8 s): the broker drops the member while it is paused.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      only.child.kill('SIGCONT');
      await waitFor(() => only.lines.some((line) => line.includes('joining again')), { timeoutMs: 30_000, what: `the child to find it was dropped (${only.lines.join(' | ')})` });

      // Its partition comes back (no other instance wants it): a request is answered again.
      await waitFor(
        async () => {
          only.child.stdin!.write('send\n');
          return waitFor(() => only.lines.some((line) => line.startsWith('answered ')), { timeoutMs: 3_000, what: 'an answer' }).then(
            () => true,
            () => false,
          );
        },
        { timeoutMs: 45_000, what: `an answer after the rejoin (${only.lines.join(' | ')})` },
      );
      expect(only.lines.filter((line) => /needs at least/.test(line))).toEqual([]);
    });
  });
}
