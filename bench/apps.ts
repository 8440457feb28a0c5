import 'reflect-metadata';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka as NestClientKafka, EventPattern, MessagePattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { ClientKafka, ServerKafka } from 'nestjs-kafka-transport';
import { uniqueGroupId } from 'nestjs-kafka-transport/testing';

export type Transports = 'ours' | 'builtin';

export interface Caller {
  send(pattern: string, data: unknown, options?: { timeout?: number }): import('rxjs').Observable<unknown>;
  emit(pattern: string, data: unknown): import('rxjs').Observable<unknown>;
  close(): Promise<unknown> | unknown;
}

/** A module with one event sink and one echo handler on the given topics. */
export function benchModule(eventTopic: string, requestTopic: string, onEvent: () => unknown): Type<unknown> {
  @Controller()
  class BenchController {
    @EventPattern<string>(eventTopic)
    event() {
      return onEvent();
    }

    @MessagePattern(requestTopic)
    echo(@Payload() data: { n: number }) {
      return { n: data.n };
    }
  }
  @Module({ controllers: [BenchController] })
  class BenchModule {}
  return BenchModule;
}

export type Driver = 'kafkajs' | 'platformatic';

let currentDriver: Driver = 'kafkajs';

/** The driver 'ours' runs on in the scenarios that follow. */
export function useDriver(driver: Driver): void {
  currentDriver = driver;
}

export function benchDriver(): Driver {
  return currentDriver;
}

/** Does this Node run the platformatic driver? Asked of the transport itself, which checks it when a client is built. */
export function platformaticRunsHere(): boolean {
  try {
    new ClientKafka({ driver: 'platformatic', producerOnlyMode: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The drivers ours is measured on: both where this Node runs platformatic, else kafkajs alone;
 * BENCH_DRIVER=kafkajs or platformatic picks one.
 */
export function benchDrivers(): Driver[] {
  const chosen = process.env.BENCH_DRIVER;
  if (chosen === undefined || chosen === '') return platformaticRunsHere() ? ['kafkajs', 'platformatic'] : ['kafkajs'];
  if (chosen !== 'kafkajs' && chosen !== 'platformatic') throw new Error(`BENCH_DRIVER is "${chosen}"; choose kafkajs or platformatic`);
  if (chosen === 'platformatic' && !platformaticRunsHere()) throw new Error(`BENCH_DRIVER=platformatic needs Node.js >= 22.22 or >= 24.6; this is ${process.version}`);
  return [chosen];
}

function kafkaOptions(brokers: string[], name: string, groupId = uniqueGroupId(name)) {
  return { client: { brokers, clientId: name, logLevel: logLevel.NOTHING }, consumer: { groupId }, subscribe: { fromBeginning: true } };
}

/** Options a scenario adds to the server's, per transport. */
export interface ServerExtras {
  ours?: Record<string, unknown>;
  builtin?: Record<string, unknown>;
}

/** A listening microservice; servers given the same `groupId` share the topic's partitions. */
export async function startServer(kind: Transports, module: Type<unknown>, brokers: string[], groupId?: string, extras: ServerExtras = {}): Promise<INestMicroservice> {
  const options = kafkaOptions(brokers, `bench-${kind}-server`, groupId);
  const config: MicroserviceOptions =
    kind === 'ours' ? { strategy: new ServerKafka({ ...options, ...extras.ours, driver: benchDriver() }) } : { transport: Transport.KAFKA, options: { ...options, ...extras.builtin } };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { ...config, logger: false });
  await app.listen();
  return app;
}

/** A connected client; for requests, subscribed to `replyOf` and holding its reply partition. */
export async function startClient(kind: Transports, brokers: string[], replyOf?: string): Promise<Caller> {
  const options = { ...kafkaOptions(brokers, `bench-${kind}-client`), producerOnlyMode: replyOf === undefined };
  const client = kind === 'ours' ? new ClientKafka({ ...options, driver: benchDriver() }) : new NestClientKafka(options);
  if (replyOf) client.subscribeToResponseOf(replyOf);
  await client.connect();
  if (replyOf) {
    // Nest's client resolves connect() before its reply partition is assigned.
    const deadline = Date.now() + 60_000;
    while (client.getConsumerAssignments()[`${replyOf}.reply`] === undefined) {
      if (Date.now() > deadline) throw new Error(`${kind} client got no reply partition`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return client as unknown as Caller;
}
