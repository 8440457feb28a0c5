import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { ClientKafka, KafkaRetriableException, ServerKafka } from '../../../src/index.js';
import { uniqueTopic, waitFor } from '../../../src/testing/index.js';
import { kafkaOptions, startMicroservice } from '../../support/nest-apps.js';

const BUSY = uniqueTopic('always-busy');
const calls: number[] = [];

@Controller()
class BusyController {
  @MessagePattern(BUSY)
  busy() {
    calls.push(Date.now());
    throw new KafkaRetriableException('downstream busy, try again');
  }
}

@Module({ controllers: [BusyController] })
class BusyModule {}

describe('close() while a request keeps asking to be redelivered', () => {
  it('does not wait out the growing pause before the next delivery', async () => {
    const server = await startMicroservice(BusyModule, new ServerKafka(kafkaOptions('busy-server')));
    const client = new ClientKafka({ ...kafkaOptions('busy-client'), requestTimeout: 60_000 });
    client.subscribeToResponseOf(BUSY);
    try {
      await client.connect();
      client.send(BUSY, { n: 1 }).subscribe({ error: () => undefined });
      // Redeliveries back off (doubling, up to 30 s on platformatic): after five, the next is seconds away.
      await waitFor(() => calls.length >= 5, { timeoutMs: 60_000, what: 'five deliveries of the busy request' });
    } finally {
      await client.close();
    }
    const closing = Date.now();
    await server.close();
    const pauses = calls.slice(1).map((at, i) => at - calls[i]);
    // The pause now under way is longer than the last one was; close() must not sit it out. On kafkajs
    // (500 ms fetch waits) the pauses stay a few hundred ms, as short as a busy close itself: there the
    // bound is the idle close's, a second.
    expect(Date.now() - closing).toBeLessThan(Math.max(pauses[pauses.length - 1], 1000));
  }, 120_000);
});
