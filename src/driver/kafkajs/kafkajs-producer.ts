import type { Logger } from '@nestjs/common';
import type { Kafka, Producer, ProducerConfig, RetryOptions } from 'kafkajs';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { DriverProducer, SendOutcome, StatusSink } from '../kafka-driver.interface.js';
import { AcknowledgedSender, type SendSettings } from './acknowledged-sender.js';
import { watchProducerStatus } from './kafkajs-status.js';
import { producerConfig } from './producer-config.js';

/** kafkajs's backoff (its defaults: 300 ms, doubling, at most 30 s), continued across the sender's rounds. */
function roundBackoff(retry: RetryOptions): (round: number) => number {
  const initial = retry.initialRetryTime ?? 300;
  return (round) => Math.min(initial * (retry.multiplier ?? 2) ** round, retry.maxRetryTime ?? 30_000);
}

/** A kafkajs producer whose sends resolve only for records the broker stored (see AcknowledgedSender). */
export class KafkajsProducer implements DriverProducer {
  readonly native: Producer;
  private readonly sender: AcknowledgedSender;

  constructor(
    kafka: Kafka,
    settings: ResolvedKafkaOptions,
    logger: Logger,
    partitionCount: (topic: string) => Promise<number>,
    explain: (error: unknown, topic: string) => unknown,
    status?: StatusSink,
  ) {
    const retry = { ...settings.client.retry, ...(settings.raw.producer as ProducerConfig | undefined)?.retry };
    this.sender = new AcknowledgedSender(() => this.native, settings.raw.send as SendSettings | undefined, logger, partitionCount, explain, roundBackoff(retry));
    this.native = kafka.producer(producerConfig(settings.raw.producer as ProducerConfig | undefined, this.sender.pins));
    if (status) watchProducerStatus(this.native, status);
  }

  connect(): Promise<void> {
    return this.native.connect();
  }

  disconnect(): Promise<void> {
    return this.native.disconnect();
  }

  send(topic: string, records: OutgoingKafkaMessage[]): Promise<SendOutcome> {
    return this.sender.send(topic, records);
  }
}
