import 'reflect-metadata';
import { Controller, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions } from '@nestjs/microservices';
import { BrokerUnavailableError, ClientKafka, ServerKafka } from '../../src/index.js';
import { uniqueTopic } from '../../src/testing/index.js';
import { freePort } from '../../src/testing/free-port.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { testDriver } from '../support/test-kafka.js';

const TOPIC = uniqueTopic('unreachable');

@Controller()
class EchoController {
  @MessagePattern(TOPIC)
  echo(data: unknown) {
    return data;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

interface Outcome {
  error: unknown;
  ms: number;
}

async function timed(start: () => Promise<unknown>): Promise<Outcome> {
  const started = Date.now();
  const error = await start().then(() => undefined, (failure: unknown) => failure);
  return { error, ms: Date.now() - started };
}

// kafkajs's default client.retry: 5 retries after 300, 600, 1200, 2400 and 4800 ms.
const DEFAULT_RETRY_WAIT_MS = 9300;

describe('a broker nobody listens at, with the default retry settings', () => {
  const logger = new RecordingLogger();
  let address: string;
  let server: Outcome;
  let client: Outcome;
  let linesAtClose: number;

  beforeAll(async () => {
    Logger.overrideLogger(logger);
    address = `127.0.0.1:${await freePort()}`;
    const options = { client: { brokers: [address] }, consumer: { groupId: 'unreachable' }, ...testDriver() };
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(EchoModule, { strategy: new ServerKafka(options), logger, abortOnError: false });
    const caller = new ClientKafka(options);
    caller.subscribeToResponseOf(TOPIC);
    [server, client] = await Promise.all([timed(() => app.listen()), timed(() => caller.connect())]);
    await app.close().catch(() => undefined);
    await caller.close();
    linesAtClose = logger.lines.length;
    // Anything still running after close() would log within a retry or two.
    await new Promise((pause) => setTimeout(pause, 3000));
  }, 60_000);

  it.each([
    ['listen()', () => server],
    ['connect()', () => client],
  ])('fails %s with BrokerUnavailableError naming client.brokers, the address and the options bounding the wait', (_, outcome) => {
    const { error, ms } = outcome();
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({ code: 'KAFKA_BROKER_UNAVAILABLE', message: expect.stringContaining(`client.brokers could be reached (${address}: ECONNREFUSED)`) });
    expect((error as Error).message).toContain('client.retry (retries: 5, initialRetryTime: 300 ms, maxRetryTime: 30000 ms) and client.connectionTimeout (1000 ms)');
    // Bounded by the retry settings: their waits, then the last attempt, not a driver's longer loop.
    expect(ms).toBeGreaterThanOrEqual(DEFAULT_RETRY_WAIT_MS);
    expect(ms).toBeLessThan(DEFAULT_RETRY_WAIT_MS + 5000);
  });

  it.each(['ServerKafka', 'ClientKafka'])('%s warns once per retry, without stacks, and logs nothing after close()', (context) => {
    const own = logger.lines.filter((line) => line.text.endsWith(` ${context}`));
    expect(own.filter((line) => line.level === 'warn')).toHaveLength(5);
    expect(own.every((line) => line.level === 'warn' && line.text.startsWith('no Kafka broker of client.brokers reachable'))).toBe(true);
    expect(logger.lines.filter((line) => /stack|\n\s+at /.test(line.text))).toEqual([]);
    expect(logger.lines.length).toBe(linesAtClose);
  });
});
