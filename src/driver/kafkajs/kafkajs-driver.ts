import type { Logger } from '@nestjs/common';
import type { Kafka, KafkaConfig } from 'kafkajs';
import type { TlsFailedError } from '../../errors/tls-failed.error.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { ConsumerSpec, DriverConsumer, DriverProducer, FailureContext, KafkaDriver, StatusSink } from '../kafka-driver.interface.js';
import { createKafka } from './create-kafka.js';
import { ensureTopics } from './ensure-topics.js';
import { explainKafkajsError } from './explain-kafkajs-error.js';
import { KafkajsConsumer } from './kafkajs-consumer.js';
import { KafkajsProducer } from './kafkajs-producer.js';
import { partitionCount } from './partition-count.js';

/** The default driver: kafkajs, configured by exactly the options Nest's Transport.KAFKA takes. */
export class KafkajsDriver implements KafkaDriver {
  readonly native: Kafka;

  constructor(
    private readonly settings: ResolvedKafkaOptions,
    private readonly logger: Logger,
    reportTls: (error: TlsFailedError) => void,
  ) {
    this.native = createKafka(settings, logger, reportTls);
  }

  producer(status?: StatusSink): DriverProducer {
    return new KafkajsProducer(
      this.native,
      this.settings,
      this.logger,
      (topic) => this.partitionCount(topic),
      (error, topic) => this.explain(error, { topics: [topic] }),
      status,
    );
  }

  consumer(spec: ConsumerSpec): DriverConsumer {
    return new KafkajsConsumer(this.native, this.settings, this.logger, spec);
  }

  ensureTopics(topics: string[]): Promise<void> {
    return ensureTopics(this.native, topics, this.logger);
  }

  partitionCount(topic: string): Promise<number> {
    return partitionCount(this.native, topic);
  }

  explain(error: unknown, context: FailureContext): unknown {
    return explainKafkajsError(error, { client: this.settings.client as Partial<KafkaConfig>, ...context });
  }

  // Admin clients are short-lived here; producers and consumers close themselves.
  async close(): Promise<void> {}
}
