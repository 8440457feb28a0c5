import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { KafkaContext, ServerKafka } from '../../src/index.js';
import { uniqueTopic, waitFor } from '../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../support/nest-apps.js';
import { createTopics, testKafka } from '../support/test-kafka.js';

const TOPIC = uniqueTopic('pausing');
const PAUSE_AT = 3;
const handled: number[] = [];
// What both drivers' context.getConsumer() offers a handler for pausing, as kafkajs's Consumer does.
type Pausing = Pick<Consumer, 'pause' | 'resume' | 'paused'>;
let consumer: Pausing | undefined;

@Controller()
class PausingController {
  @EventPattern(TOPIC)
  // Nest 12 types an event handler's further arguments as unknown.
  record(@Payload() event: unknown, @Ctx() ctx: unknown) {
    const context = ctx as KafkaContext;
    const { n } = event as { n: number };
    handled.push(n);
    if (n !== PAUSE_AT) return;
    // As Nest documents it: the handler pauses its own partition through the consumer.
    consumer = context.getConsumer() as unknown as Pausing;
    consumer.pause([{ topic: context.getTopic(), partitions: [context.getPartition()] }]);
  }
}

@Module({ controllers: [PausingController] })
class PausingModule {}

// kafkajs's pause through context.getConsumer(), as on Nest's built-in transport; platformatic's
// stream pauses as a whole, so that driver offers the same calls per partition.
describe('a handler that pauses its partition', () => {
  it('gets no further record of it until resumed, then each of the rest once', async () => {
    await createTopics(testKafka(), [TOPIC]);
    const producer = testKafka().producer();
    await producer.connect();
    // One send: the records reach the server in one batch, which the pause must cut short.
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, n) => ({ value: JSON.stringify({ n }) })) });
    await producer.disconnect();
    const server = await startMicroservice(PausingModule, new ServerKafka(kafkaOptions('pausing-server')));
    try {
      await waitFor(() => consumer !== undefined, { timeoutMs: 30_000, what: `record ${PAUSE_AT}` });
      await sleep(2_000);
      expect(handled).toEqual([0, 1, 2, 3]);
      expect(consumer!.paused()).toEqual([{ topic: TOPIC, partitions: [0] }]);
      consumer!.resume([{ topic: TOPIC, partitions: [0] }]);
      await waitFor(() => handled.length >= 10, { timeoutMs: 30_000, what: 'the rest after resume' });
      await sleep(500);
      expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(consumer!.paused()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
