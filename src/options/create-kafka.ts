import type { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { TlsFailedError } from '../errors/tls-failed.error.js';
import { kafkaLogCreator } from '../kafka-logger.js';
import type { ResolvedKafkaOptions } from './resolve-options.js';
import { tlsReportingSocketFactory } from './tls-reporting-socket-factory.js';

/**
 * The kafkajs client of a server or client, built as Nest builds it: the user's `client` options
 * over Nest's log routing, with `clientId` and `brokers` always the resolved ones. TLS failures that
 * no retry mends go to `reportTls`, unless the user brought a socket factory of their own.
 */
export function createKafka(settings: ResolvedKafkaOptions, logger: Logger, reportTls: (error: TlsFailedError) => void): Kafka {
  return new Kafka({
    logCreator: kafkaLogCreator(logger),
    socketFactory: tlsReportingSocketFactory(reportTls),
    ...settings.client,
    clientId: settings.clientId,
    brokers: settings.brokers,
  });
}
