import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { ServerKafka } from 'nestjs-kafka-transport';
import { startKafka } from 'nestjs-kafka-transport/testing';
import type { AddressInfo } from 'node:net';
import { BillingModule } from './billing.module.js';
import { ordersModule } from './orders.module.js';

const quiet = { logger: ['error', 'warn'] as ('error' | 'warn')[] };

/**
 * Starts a broker (or uses KAFKA_BROKERS), the billing microservice and the orders HTTP gateway,
 * places a few orders over HTTP, prints what happened, and shuts everything down.
 */
async function main(): Promise<void> {
  const cluster = await startKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  console.log(`[kafka] ${cluster.source} broker at ${cluster.brokers.join(',')}`);
  const stops: (() => Promise<unknown>)[] = [() => cluster.stop()];
  try {
    // The options object is the one Transport.KAFKA takes; switching is the `strategy` line.
    const billingOptions = { transport: Transport.KAFKA, options: { client: { clientId: 'billing', brokers: cluster.brokers, logLevel: logLevel.WARN }, consumer: { groupId: 'billing' } } } as const;
    const billing = await NestFactory.createMicroservice<MicroserviceOptions>(BillingModule, { strategy: new ServerKafka(billingOptions), ...quiet });
    await billing.listen();
    stops.unshift(() => billing.close());
    console.log('[billing] listening on billing.charge and order.created');

    const orders = await NestFactory.create(ordersModule(cluster.brokers), quiet);
    await orders.listen(0, '127.0.0.1');
    stops.unshift(() => orders.close());
    const { port } = orders.getHttpServer().address() as AddressInfo;
    console.log(`[orders] HTTP gateway on http://127.0.0.1:${port}`);

    for (const order of [
      { item: 'keyboard', amount: 49 },
      { item: 'monitor', amount: 199 },
      { item: 'espresso machine', amount: 899 },
    ]) {
      const response = await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
      console.log(`[http] POST /orders ${JSON.stringify(order)} -> ${response.status} ${await response.text()}`);
    }
    // Give the last order.created event a moment to be logged by billing before shutting down.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    for (const stop of stops) await stop();
    console.log('[example] everything stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
