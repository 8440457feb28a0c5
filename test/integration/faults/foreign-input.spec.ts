import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { ClientKafka, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions } from '../../support/nest-apps.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { createTopics, testKafka } from '../../support/test-kafka.js';

const EVENTS = uniqueTopic('foreign-events');
const REQUESTS = uniqueTopic('foreign-requests');
const REPLIES = `${REQUESTS}.reply`;

interface Numbered {
  n?: number;
}

const events: unknown[] = [];
const requests: unknown[] = [];

@Controller()
class TolerantController {
  @EventPattern<string>(EVENTS)
  onEvent(@Payload() data: unknown) {
    events.push(data);
  }

  @MessagePattern(REQUESTS)
  answer(@Payload() data: Numbered) {
    requests.push(data);
    return { n: data?.n };
  }
}

@Module({ controllers: [TolerantController] })
class TolerantModule {}

const manyHeaders: IHeaders = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`h${i}`, `v${i}`]));
const requestHeaders = (id: string, partition?: string): IHeaders => ({ kafka_correlationId: id, kafka_replyTopic: REPLIES, ...(partition === undefined ? {} : { kafka_replyPartition: partition }) });

// What other producers put on a topic: none of it may crash the server or stall its partition.
const badEvents: [string, Message][] = [
  ['invalid UTF-8', { value: Buffer.from([0xff, 0xfe, 0xfd]) }],
  ['truncated JSON', { value: '{"n": 1' }],
  ['a tombstone', { value: null }],
  ['0x00-framed binary', { value: Buffer.from([0, 0, 0, 0, 7, 0x7b, 0x7d]) }],
  ['an empty value', { value: '' }],
  ['200 headers', { value: '{"n":-1}', headers: manyHeaders }],
  ['a value near message.max.bytes (1 MB)', { value: JSON.stringify('x'.repeat(1_000_000)) }],
  ['a header that is not UTF-8', { value: '{"n":-2}', headers: { odd: Buffer.from([0xc3, 0x28]) } }],
];
const badRequests: [string, Message][] = [
  ['a request without a correlation id', { value: '{"n":-10}', headers: { kafka_replyTopic: REPLIES } }],
  ['a reply partition that is not a number', { value: '{"n":-11}', headers: requestHeaders('foreign-abc', 'abc') }],
  ['a negative reply partition', { value: '{"n":-12}', headers: requestHeaders('foreign-neg', '-1') }],
  ['a reply partition the reply topic does not have', { value: '{"n":-13}', headers: requestHeaders('foreign-99', '99') }],
  ['a request whose value is not JSON', { value: Buffer.from([0xff, 0x00]), headers: requestHeaders('foreign-binary', '0') }],
];

describe('bad input from a foreign producer', () => {
  const logger = new RecordingLogger();
  let server: INestMicroservice;
  let client: ClientKafka;
  let producer: Producer;

  beforeAll(async () => {
    await createTopics(testKafka(), [EVENTS, REQUESTS]);
    await createTopics(testKafka(), [REPLIES], 2);
    server = await NestFactory.createMicroservice<MicroserviceOptions>(TolerantModule, { strategy: new ServerKafka(kafkaOptions('foreign-server')), logger });
    await server.listen();
    client = new ClientKafka(kafkaOptions('foreign-client'));
    client.subscribeToResponseOf(REQUESTS);
    await client.connect();
    producer = testKafka().producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await client?.close();
    await server?.close();
  });

  it('neither crashes the server nor stalls its partitions, and handles the valid traffic behind it', async () => {
    for (const [, message] of badEvents) await producer.send({ topic: EVENTS, messages: [message] });
    for (const [, message] of badRequests) await producer.send({ topic: REQUESTS, messages: [message] });

    // Behind the bad records on the same (single) partitions: valid events and requests.
    for (let n = 1; n <= 10; n += 1) await firstValueFrom(client.emit(EVENTS, { n }));
    const answers = await Promise.all([1, 2, 3].map((n) => firstValueFrom(client.send(REQUESTS, { n }))));
    expect(answers).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor(() => events.filter((event) => typeof (event as Numbered)?.n === 'number' && (event as Numbered).n! > 0).length === 10, { timeoutMs: 30_000, what: 'the ten valid events' });

    const report = `[fault] foreign input: ${badEvents.length} bad events and ${badRequests.length} bad requests sent; events handled ${events.length}, requests handled ${requests.length}; warnings ${logger.at('warn').length}, errors ${logger.at('error').length}`;
    process.stdout.write(`${report}\n`);
    // Every bad event reached the handler in some form (the codec keeps what it cannot decode); none was lost.
    expect(events).toHaveLength(badEvents.length + 10);
    expect(server.status).toBeDefined();
  });

  it('logs why a reply could not go where the request asked, naming the header and the topic', () => {
    const warnings = logger.at('warn').join('\n');
    const errors = logger.at('error').join('\n');
    expect(warnings).toContain('invalid kafka_replyPartition header "abc"');
    expect(warnings).toContain('invalid kafka_replyPartition header "-1"');
    expect(errors).toMatch(new RegExp(`${REPLIES}.*partition\\(s\\) 99: the topic has 2 partition\\(s\\)`));
    // Only that reply failed: the others, sent in the same produce request or not, went out.
    expect(logger.at('error').filter((line) => line.includes('could not be produced'))).toHaveLength(1);
  });
});
