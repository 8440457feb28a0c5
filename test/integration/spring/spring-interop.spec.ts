import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { ClientKafka as NestClientKafka, MessagePattern, Payload, RpcException, Transport } from '@nestjs/microservices';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { ClientKafka, ReplyTimeoutError, ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { SpringPeer } from '../../support/spring-peer.js';
import { createTopics, testBrokers, testKafka } from '../../support/test-kafka.js';

// Spring calls these Nest services: ours, and Nest's built-in transport as the baseline.
const OURS = uniqueTopic('spring-calls-ours');
const BUILTIN = uniqueTopic('spring-calls-builtin');
// Nest calls this Spring @KafkaListener + @SendTo.
const SPRING = uniqueTopic('nest-calls-spring');
const SPRING_REPLIES = uniqueTopic('spring-replies');
const SPRING_PINNED_REPLIES = uniqueTopic('spring-pinned-replies');

const SLOW_HANDLER_MS = 3_000;

/** A Nest service on `topic`: answers a value, fails on "fail", and takes its time on "slow". */
function answeringModule(topic: string) {
  @Controller()
  class AnsweringController {
    @MessagePattern(topic)
    async answer(@Payload() request: unknown) {
      if (request === 'fail') throw new RpcException('refused by Nest');
      if (request === 'slow') await sleep(SLOW_HANDLER_MS);
      return { answeredBy: 'nest', request };
    }
  }
  @Module({ controllers: [AnsweringController] })
  class AnsweringModule {}
  return AnsweringModule;
}

const started = <T>(result: PromiseSettledResult<T>): T | undefined => (result.status === 'fulfilled' ? result.value : undefined);

describe('request-reply with Spring for Apache Kafka services', () => {
  let spring: SpringPeer;
  let ourServer: INestMicroservice;
  let builtinServer: INestMicroservice;
  let ourClient: ClientKafka;
  let builtinClient: NestClientKafka;

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopics(kafka, [OURS, BUILTIN, SPRING, `${SPRING}.reply`, SPRING_REPLIES]);
    await createTopics(kafka, [SPRING_PINNED_REPLIES], 2);
    ourClient = new ClientKafka({ ...kafkaOptions('spring-caller'), replyConvention: { [SPRING]: 'spring' }, requestTimeout: 20_000 });
    ourClient.subscribeToResponseOf(SPRING);
    builtinClient = new NestClientKafka({ client: { brokers: testBrokers() }, consumer: { groupId: uniqueGroupId('builtin-spring-caller') } });
    builtinClient.subscribeToResponseOf(SPRING);
    // Settled, not Promise.all: what did start is kept for afterAll to stop, whatever failed.
    const [peer, ours, builtin, ...connections] = await Promise.allSettled([
      SpringPeer.start({ brokers: testBrokers(), listen: SPRING, group: uniqueGroupId('spring-peer'), replies: SPRING_REPLIES, pinnedReplies: SPRING_PINNED_REPLIES }),
      startMicroservice(answeringModule(OURS), new ServerKafka(kafkaOptions('spring-callee'))),
      startMicroservice(answeringModule(BUILTIN), { transport: Transport.KAFKA, options: kafkaOptions('builtin-spring-callee') }),
      ourClient.connect(),
      builtinClient.connect(),
    ]);
    spring = started(peer)!;
    ourServer = started(ours)!;
    builtinServer = started(builtin)!;
    const failure = [peer, ours, builtin, ...connections].find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    // Nest's client resolves connect() before its reply group assigned it a partition.
    await waitFor(() => Object.keys(builtinClient.getConsumerAssignments()).length === 1, { timeoutMs: 60_000, what: "Nest's client reply assignment" });
  });

  afterAll(async () => {
    await Promise.all([spring?.stop(), ourServer?.close(), builtinServer?.close(), ourClient?.close(), builtinClient?.close()]);
  });

  describe("Spring's ReplyingKafkaTemplate calling our @MessagePattern", () => {
    it('gets every reply with its defaults: binary correlation ids come back byte for byte', async () => {
      const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => spring.request('default', OURS, { n }, 20_000)));
      expect(replies.map((reply) => (reply.ok ? JSON.parse(reply.value) : reply.error))).toEqual([1, 2, 3, 4, 5].map((n) => ({ answeredBy: 'nest', request: { n } })));
    });

    it('gets its reply on the partition its reply container is pinned to', async () => {
      const reply = await spring.request('pinned', OURS, { n: 6 }, 20_000);
      expect(reply).toEqual({ ok: true, partition: 1, value: JSON.stringify({ answeredBy: 'nest', request: { n: 6 } }) });
    });

    it("recognises a Nest error reply by kafka_nest-err (its replyErrorChecker) instead of taking it for a null value", async () => {
      const reply = await spring.request('pinned', OURS, 'fail', 20_000);
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error).toMatch(/^NestErrorReply: .*refused by Nest/);
    });

    it('times out on its side when our handler is slower than its reply timeout', async () => {
      const reply = await spring.request('default', OURS, 'slow', 1_000);
      expect(!reply.ok && reply.error).toMatch(/^KafkaReplyTimeoutException/);
    });

    it("baseline: Nest's built-in server drops a pinned request and mangles Spring's binary ids", async () => {
      const [pinned, ...unpinned] = await Promise.all([
        spring.request('pinned', BUILTIN, { n: 7 }, 4_000),
        ...[8, 9, 10].map((n) => spring.request('default', BUILTIN, { n }, 4_000)),
      ]);
      expect(!pinned.ok && pinned.error).toMatch(/^KafkaReplyTimeoutException/);
      // Random 16-byte ids survive its round trip through text only by chance (about 1 in 250).
      expect(unpinned.filter((reply) => !reply.ok).length).toBeGreaterThan(0);
    });
  });

  describe("our ClientKafka calling a Spring @KafkaListener + @SendTo, with replyConvention 'spring' for its pattern", () => {
    it("ends the call on Spring's single reply, so lastValueFrom resolves", async () => {
      await expect(lastValueFrom(ourClient.send(SPRING, { n: 11 }))).resolves.toEqual({ answeredBy: 'spring', request: { n: 11 } });
    });

    it("fails the call with the exception a Spring listener's error handler replies with", async () => {
      await expect(lastValueFrom(ourClient.send(SPRING, 'fail'))).rejects.toEqual({ status: 'error', message: 'Spring refused the request', exception: 'java.lang.IllegalStateException' });
    });

    it('times out when the Spring listener sends no reply', async () => {
      await expect(lastValueFrom(ourClient.send(SPRING, 'ignore', { timeout: 2_000 }))).rejects.toBeInstanceOf(ReplyTimeoutError);
    });

    it("gets no answer with Nest's conventions, nor does Nest's built-in client: Spring cannot read a text reply partition", async () => {
      const [ours, builtin] = await Promise.allSettled([
        lastValueFrom(ourClient.send(SPRING, { n: 12 }, { timeout: 4_000, replyConvention: 'nest' })),
        lastValueFrom(builtinClient.send(SPRING, { n: 13 }).pipe(timeout(4_000))),
      ]);
      expect(ours.status === 'rejected' && ours.reason).toBeInstanceOf(ReplyTimeoutError);
      expect(builtin.status === 'rejected' && builtin.reason).toBeInstanceOf(TimeoutError);
    });
  });
});
