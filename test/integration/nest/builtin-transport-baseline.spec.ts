import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, EventPattern, MessagePattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { uniqueGroupId, uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { createTopics, testBrokers, testKafka } from '../../support/test-kafka.js';

// Both Nest majors run this file at once on one broker: each run gets its own topics.
const prefix = uniqueTopic('baseline');
const SUM = `${prefix}.sum`;
const NOTIFIED = `${prefix}.notified`;
const notifications: unknown[] = [];

@Controller()
class MathController {
  @MessagePattern(SUM)
  sum(@Payload() numbers: number[]): number {
    return numbers.reduce((total, n) => total + n, 0);
  }

  @EventPattern(NOTIFIED)
  notified(@Payload() event: unknown): void {
    notifications.push(event);
  }
}

@Module({ controllers: [MathController] })
class MathModule {}

/**
 * Nest's own Transport.KAFKA, server and client, on the test kit's broker: proves each jest project
 * loads a working Nest of its major, and is the reference the interop suites compare against.
 */
describe('the built-in Nest Kafka transport on the test broker', () => {
  let server: INestMicroservice;
  let client: ClientKafka;

  beforeAll(async () => {
    const brokers = testBrokers();
    await createTopics(testKafka(brokers), [SUM, `${SUM}.reply`, NOTIFIED]);
    server = await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
      transport: Transport.KAFKA,
      options: { client: { brokers }, consumer: { groupId: uniqueGroupId('baseline-server') } },
      logger: ['error'],
    });
    await server.listen();
    client = new ClientKafka({ client: { brokers }, consumer: { groupId: uniqueGroupId('baseline-client') } });
    client.subscribeToResponseOf(SUM);
    await client.connect();
    // connect() resolves before the reply group assigns partitions (nestjs/nest#6197).
    await waitFor(() => client.getConsumerAssignments()[`${SUM}.reply`] !== undefined, { timeoutMs: 60_000, what: 'the reply partition' });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('answers a request with the handler result, a number arriving as its decimal string', async () => {
    // Nest's parser only JSON-parses values that start with { or [, so a numeric reply stays "15".
    await expect(firstValueFrom(client.send(SUM, [1, 2, 3, 4, 5]))).resolves.toBe('15');
  });

  it('delivers an event to its handler', async () => {
    await firstValueFrom(client.emit(NOTIFIED, { orderId: 7 }));
    await waitFor(() => notifications.length > 0, { timeoutMs: 30_000, what: 'the event' });
    expect(notifications).toEqual([{ orderId: 7 }]);
  });
});
