import type { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { kafkaLogCreator } from '../kafka-logger.js';
import type { ResolvedKafkaOptions } from './resolve-options.js';

/**
 * The kafkajs client of a server or client, built as Nest builds it: the user's `client` options
 * over Nest's log routing, with `clientId` and `brokers` always the resolved ones.
 */
export function createKafka(settings: ResolvedKafkaOptions, logger: Logger): Kafka {
  return new Kafka({ logCreator: kafkaLogCreator(logger), ...settings.client, clientId: settings.clientId, brokers: settings.brokers });
}
