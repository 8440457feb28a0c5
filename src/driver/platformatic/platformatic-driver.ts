import type { Logger } from '@nestjs/common';
import { TlsFailedError } from '../../errors/tls-failed.error.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import type { ConsumerSpec, DriverConsumer, DriverProducer, FailureContext, KafkaDriver, StatusSink } from '../kafka-driver.interface.js';
import { explainPlatformaticError } from './explain-platformatic-error.js';
import { PerTopicReplyConsumer } from './per-topic-reply-consumer.js';
import { PlatformaticConsumer } from './platformatic-consumer.js';
import { platformaticSettings, type PlatformaticBase, type PlatformaticSettings } from './platformatic-options.js';
import { PlatformaticProducer } from './platformatic-producer.js';
import { PlatformaticTopics } from './platformatic-topics.js';
import { forgetStaleMetadata, isStaleMetadata } from './stale-metadata.js';

// The wait before platformatic retries a produce refused for stale metadata (see the constructor).
const STALE_PRODUCE_RETRY_MS = 100;

/**
 * The @platformatic/kafka driver (`driver: 'platformatic'`): the same transport on a maintained,
 * pure TypeScript client. Its clients are separate objects (no shared client as in kafkajs), so
 * `native` is the connection options they are all built from.
 */
export class PlatformaticDriver implements KafkaDriver {
  readonly native: PlatformaticBase;
  private readonly settings: PlatformaticSettings;
  private readonly topics: PlatformaticTopics;

  constructor(
    private readonly resolved: ResolvedKafkaOptions,
    private readonly logger: Logger,
    reportTls: (error: TlsFailedError) => void,
  ) {
    const settings = platformaticSettings(resolved);
    // Every retry of every client passes here. platformatic retries a certificate problem, which is
    // reported at its first retry instead so that start-up fails at once, as on kafkajs. And it
    // retries a refusal for stale metadata with that same metadata unless it is dropped first; a
    // produce so refused is retried quickly, since platformatic sends a group of partitions that
    // shared a leader to one broker, retries included: when one of them moved, every retry is
    // refused (11 over two minutes after a leader was killed), and only the producer's next send,
    // grouped anew, stores them.
    const beforeRetry = (retryDelay: PlatformaticBase['retryDelay']): PlatformaticBase['retryDelay'] => (client, operation, attempt, retries, error) => {
      const tls = explainPlatformaticError(error, { startUp: true }, resolved.client);
      if (tls instanceof TlsFailedError) reportTls(tls);
      forgetStaleMetadata(client, error);
      const delay = retryDelay(client, operation, attempt, retries, error);
      return operation === 'produce' && isStaleMetadata(error) ? Math.min(delay, STALE_PRODUCE_RETRY_MS) : delay;
    };
    settings.base.retryDelay = beforeRetry(settings.base.retryDelay);
    if (typeof settings.consumer.retryDelay === 'function') settings.consumer.retryDelay = beforeRetry(settings.consumer.retryDelay as PlatformaticBase['retryDelay']);
    this.settings = settings;
    this.native = this.settings.base;
    this.topics = new PlatformaticTopics(this.settings.base, logger);
  }

  producer(status?: StatusSink): DriverProducer {
    return new PlatformaticProducer(this.settings, this.logger, (error, topic) => this.explain(error, { topics: [topic] }), status);
  }

  consumer(spec: ConsumerSpec): DriverConsumer {
    const member = (memberSpec: ConsumerSpec) => new PlatformaticConsumer(this.settings, this.topics, this.logger, memberSpec);
    const replyTopics = spec.topics.filter((topic): topic is string => typeof topic === 'string');
    if (this.settings.groupProtocol === 'consumer' && spec.replyPartitions && replyTopics.length > 1) return new PerTopicReplyConsumer(spec, replyTopics, member);
    return member(spec);
  }

  ensureTopics(topics: string[]): Promise<void> {
    return this.topics.ensure(topics);
  }

  partitionCount(topic: string): Promise<number> {
    return this.topics.partitionCount(topic);
  }

  explain(error: unknown, context: FailureContext): unknown {
    return explainPlatformaticError(error, context, this.resolved.client);
  }

  close(): Promise<void> {
    return this.topics.close();
  }
}
