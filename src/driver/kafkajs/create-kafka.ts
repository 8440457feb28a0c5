import type { Logger } from '@nestjs/common';
import { Kafka, type KafkaConfig } from 'kafkajs';
import type { TlsFailedError } from '../../errors/tls-failed.error.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import { kafkaLogCreator } from './kafkajs-logger.js';
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
    // Nest's copy of the kafkajs option types: the same fields, checked against kafkajs's own here.
    ...(settings.client as Partial<KafkaConfig>),
    clientId: settings.clientId,
    brokers: settings.brokers as KafkaConfig['brokers'],
  });
}
