import { type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy, MicroserviceOptions } from '@nestjs/microservices';
import { uniqueGroupId } from '../../src/testing/index.js';
import { testBrokers, testDriver } from './test-kafka.js';

/** Transport options for one test app: the shared broker and a group nobody else uses. */
export function kafkaOptions(name: string) {
  return {
    client: { brokers: testBrokers(), clientId: name },
    consumer: { groupId: uniqueGroupId(name) },
    // A new group starts at the end of a topic by default; a test's first message may be produced
    // before the group has read its start offsets, so tests read their unique topics from the start.
    subscribe: { fromBeginning: true },
    ...testDriver(),
  };
}

/** Starts a Nest microservice around `strategy` (ours, or Nest's built-in options) and returns it. */
export async function startMicroservice(module: Type<unknown>, transport: CustomTransportStrategy | MicroserviceOptions): Promise<INestMicroservice> {
  const options = 'listen' in transport ? { strategy: transport } : transport;
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { ...(options as MicroserviceOptions), logger: ['error'] });
  await app.listen();
  return app;
}
