import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { ServerKafka } from '../../../src/index.js';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopicsWithLeaders } from '../../../src/driver/create-topics-with-leaders.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';
import { testKafka } from '../../support/test-kafka.js';

const SUM = uniqueTopic('spring-sum');
const REPLIES = `${SUM}.reply`;
const REQUESTS = 20;

@Controller()
class SumController {
  @MessagePattern(SUM)
  sum(@Payload() numbers: number[]) {
    return numbers.reduce((total, n) => total + n, 0);
  }
}

@Module({ controllers: [SumController] })
class SumModule {}

/** What Spring's ReplyingKafkaTemplate writes: 16 raw UUID bytes as the id, the pinned reply partition as a 4-byte big-endian int. */
function springHeaders(id: Buffer, replyPartition: number): Record<string, Buffer> {
  const partition = Buffer.alloc(4);
  partition.writeInt32BE(replyPartition);
  return { kafka_correlationId: id, kafka_replyTopic: Buffer.from(REPLIES), kafka_replyPartition: partition };
}

describe("a request written with Spring's header encodings", () => {
  let server: INestMicroservice;

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic: SUM }, { topic: REPLIES, numPartitions: 2 }]);
    await admin.disconnect();
    server = await startMicroservice(SumModule, new ServerKafka(kafkaOptions('spring-encodings-server')));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('is answered with the same correlation id bytes, on the reply partition it pinned', async () => {
    // Ids that are no UTF-8 text, half starting with 0x00: a round trip through text mangles both.
    const ids = Array.from({ length: REQUESTS }, (_, i) => Buffer.concat([Buffer.from([i % 2 === 0 ? 0x00 : 0x80, 0xc3, 0x28]), randomBytes(13)]));
    const kafka = testKafka();
    const replies: { partition: number; message: KafkaMessage }[] = [];
    const consumer = kafka.consumer({ groupId: uniqueGroupId('spring-replies') });
    await consumer.connect();
    await consumer.subscribe({ topics: [REPLIES], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void replies.push({ partition, message }) });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: SUM, messages: ids.map((id, i) => ({ value: JSON.stringify([i, 1]), headers: springHeaders(id, 1) })) });
      await waitFor(() => replies.length >= REQUESTS, { timeoutMs: 30_000, what: `${REQUESTS} replies` });
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
    }
    expect(replies.map(({ partition }) => partition)).toEqual(ids.map(() => 1));
    const answered = new Map(replies.map(({ message }) => [(message.headers!.kafka_correlationId as Buffer).toString('hex'), String(message.value)]));
    expect(answered).toEqual(new Map(ids.map((id, i) => [id.toString('hex'), String(i + 1)])));
  });
});
