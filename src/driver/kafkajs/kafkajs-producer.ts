import type { Logger } from '@nestjs/common';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import type { OutgoingKafkaMessage } from '../../codec/outgoing-message.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { DriverProducer, SendOutcome, StatusSink } from '../kafka-driver.interface.js';
import { AcknowledgedSender, type SendSettings } from './acknowledged-sender.js';
import { watchProducerStatus } from './kafkajs-status.js';
import { producerConfig } from './producer-config.js';

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
    this.sender = new AcknowledgedSender(() => this.native, settings.raw.send as SendSettings | undefined, logger, partitionCount, explain);
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
