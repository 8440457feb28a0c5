import type { Deserializer, Serializer } from '@nestjs/microservices';
// Nest's own copy of the kafkajs option types: what Transport.KAFKA takes, with no driver installed.
import type { ReplyConventionOption } from '../codec/reply-convention.js';
import type { ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, KafkaConfig, ProducerConfig, ProducerRecord } from '@nestjs/microservices/external/kafka.interface.js';

/**
 * The options of `Transport.KAFKA` (Nest's `KafkaOptions['options']`), field for field, plus this
 * transport's own additions at the end. Every field is optional: brokers default to localhost:9092.
 */
export interface KafkaTransportOptions {
  /** Appended to client id and group id; defaults to `-server` / `-client`. `''` is honoured. */
  postfixId?: string;
  client?: Partial<KafkaConfig>;
  consumer?: Partial<ConsumerConfig>;
  run?: Omit<ConsumerRunConfig, 'eachBatch' | 'eachMessage'>;
  subscribe?: Omit<ConsumerSubscribeTopics, 'topics'>;
  producer?: ProducerConfig;
  /** Spread into every produce request (`acks`, `timeout`, `compression`). */
  send?: Omit<ProducerRecord, 'topic' | 'messages'>;
  serializer?: Serializer;
  deserializer?: Deserializer;
  parser?: { keepBinary?: boolean };
  /** Client only: no consumer and no reply group; `emit` works, `send` does not. */
  producerOnlyMode?: boolean;

  /**
   * Server: what happens when an `@EventPattern` handler throws. The message is tried again (the
   * at-least-once contract) up to `attempts` times in all, then moved to a dead-letter topic, and its
   * partition moves on. A handler can override it: `@EventPattern('topic', { eventRetry: { ... } })`.
   */
  eventRetry?: EventRetryOptions;
  /**
   * Server: milliseconds a handler may run (default 30000; `false`: no bound). Past it the transport
   * stops waiting, so one stuck handler cannot stop the consumer: a request gets a
   * HandlerTimeoutError reply, an event is tried again under `eventRetry`, and a warning is logged.
   * The handler's own work is not cancelled. Per handler: `@MessagePattern('topic', { handlerTimeout })`.
   */
  handlerTimeout?: number | false;

  /**
   * The Kafka client library underneath (default `'kafkajs'`). `'platformatic'` runs on
   * @platformatic/kafka (install it; Node.js >= 22.22 or >= 24.6): the same options, mapped, and an
   * option it has no equivalent for fails at construction, naming it.
   */
  driver?: 'kafkajs' | 'platformatic';
  /**
   * The consumer group protocol (Kafka's `group.protocol`, default `'classic'`). `'consumer'` is
   * KIP-848's (Kafka >= 4.0 brokers, platformatic driver only): the broker assigns partitions, with
   * `consumer.rebalanceTimeout` the only group timing set here (session and heartbeat times are the
   * broker's `group.consumer.*` settings). Reply partitions stay exclusive per client instance.
   */
  groupProtocol?: 'classic' | 'consumer';

  /**
   * Client: the conventions of the services it calls (default `'nest'`). `'spring'` calls Spring for
   * Apache Kafka listeners (`@KafkaListener` + `@SendTo`): the reply partition is written as the
   * 4-byte int Spring reads, and its single reply ends the call. Nest's built-in servers drop such
   * requests, so name the Spring patterns only: `{ replyConvention: { 'prices.quote': 'spring' } }`.
   * Per call: `client.send(pattern, data, { replyConvention: 'spring' })`.
   */
  replyConvention?: ReplyConventionOption;
  /** Client: milliseconds a `send()` waits for its reply stream to end (default 30000). */
  requestTimeout?: number;
  /**
   * Most messages one produce request carries when concurrent messages for one topic are sent
   * together (default 500): the client's emits and requests, the server's replies. Each still
   * completes only when the broker acknowledged it; 1 sends every message alone.
   */
  emitBatchMaxMessages?: number;
  /**
   * Create missing request and reply topics at start-up (default true). KRaft brokers do not let a
   * consumer subscribe to a topic they are still auto-creating, so the transport creates them first.
   */
  createTopics?: boolean;
  /**
   * Server: one consumer per topic of the handlers, each in its own group `{groupId}-{topic}`
   * (`groupId` with its `-server` postfix), so that a slow handler on one topic never holds up
   * another: the meaning of Nest's `topicConsumers` (nestjs/nest#16555). New groups start from
   * scratch (`subscribe.fromBeginning` decides where); `context.getConsumer()` is the consumer of
   * the handler's topic. Default false: one consumer, one group, as on the built-in transport.
   */
  topicConsumers?: boolean;
  /**
   * Server: records of one partition that may run at once (default 1). Above 1, records of one key
   * still never overlap and run in offset order (`ordering: 'key'`). Partitions and topics always run
   * side by side. Per handler: `@EventPattern('orders', { concurrency: 16 })`.
   */
  concurrency?: number;
  /**
   * Server: what keeps its order within a partition: `'partition'` (one record at a time, the
   * default while `concurrency` is 1) or `'key'` (the default above 1). Per handler in its extras.
   */
  ordering?: 'partition' | 'key';
  /**
   * Server: how long `close()` lets the handlers still running finish, in milliseconds (default
   * 10000): fetching stops at once, what finishes is committed, what still runs then is given up on
   * (left uncommitted, delivered again). 0 gives up at once.
   */
  shutdownTimeout?: number;
}

/** The whole `{ transport, options }` object users pass to `Transport.KAFKA`, also accepted as is. */
export interface KafkaMicroserviceOptions {
  transport?: unknown;
  options?: KafkaTransportOptions;
}

/** Bounded redelivery of failing events (server option `eventRetry`, or per handler in its extras). */
export interface EventRetryOptions {
  /** Tries in all, the first included (default 3). */
  attempts?: number;
  /** Wait before the second try in ms, doubled before each further try (default 200). */
  backoffMs?: number;
  /** Upper bound of one wait in ms (default 5000). */
  maxBackoffMs?: number;
  /**
   * Where a message goes after its last failed try: `{ suffix }` publishes it to `<topic><suffix>`
   * (default `{ suffix: '.dlq' }`); `false` skips it with an error log, and must be chosen explicitly.
   */
  deadLetter?: { suffix?: string } | false;
}
