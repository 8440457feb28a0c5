import { Logger } from '@nestjs/common';
import { Server, Transport, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Consumer, Kafka, EachMessagePayload, Producer } from 'kafkajs';
import type { Observable, Subscription } from 'rxjs';
import { headerText, parseIncomingMessage, type ParsedKafkaMessage } from '../codec/incoming-message.js';
import { KafkaHeaders } from '../codec/kafka-headers.enum.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { addReplyHeaders } from '../codec/reply.codec.js';
import { KafkaRequestDeserializer, KafkaRequestSerializer, type IncomingKafkaRequest } from '../codec/request.codec.js';
import { NO_MESSAGE_HANDLER } from '../constants.js';
import { KafkaContext } from '../context/kafka.context.js';
import { NotConnectedError } from '../errors/not-connected.error.js';
import { explainKafkaError } from '../errors/explain-kafka-error.js';
import { ProduceCoalescer } from '../producer/produce-coalescer.js';
import { AcknowledgedSender } from '../producer/acknowledged-sender.js';
import { KafkaStatus } from '../kafka-status.enum.js';
import type { KafkaMicroserviceOptions, KafkaTransportOptions } from '../options/kafka-options.interface.js';
import { createKafka } from '../options/create-kafka.js';
import { StartUpGuard } from '../options/start-up-guard.js';
import type { TlsFailedError } from '../errors/tls-failed.error.js';
import { resolveOptions, type ResolvedKafkaOptions } from '../options/resolve-options.js';
import { ensureTopics } from '../topics/ensure-topics.js';
import { subscribeCreatingMissing } from '../topics/subscribe-creating-missing.js';
import { producerConfig } from '../options/producer-config.js';
import { firstGroupJoin } from '../topics/first-group-join.js';
import { partitionCount } from '../topics/partition-count.js';
import { publishReplyStream, type ReplyPacket } from './reply-stream.js';
import { watchStatus } from '../kafka-status.listeners.js';
import { EventDispatcher } from './event-dispatcher.js';
import { DEFAULT_EVENT_RETRY, resolveEventRetry } from './event-retry-policy.js';
import { ServerClosingError, ShutdownSignal } from './shutdown-signal.js';
import { DEFAULT_HANDLER_TIMEOUT_MS, HandlerTimeouts, resolveHandlerTimeout } from './handler-timeout.js';
import { HandlerTimeoutError } from '../errors/handler-timeout.error.js';

type Handler = MessageHandler & { isEventHandler?: boolean };

// How long close() lets replies already on their way reach the broker.
const REPLY_DRAIN_MS = 5000;

/**
 * The server side (`{ strategy: new ServerKafka(options) }`): consumes the topics of the
 * `@MessagePattern` / `@EventPattern` handlers, answers requests on `kafka_replyTopic` /
 * `kafka_replyPartition` as Nest's built-in server does, and runs events at least once.
 */
export class ServerKafka extends Server<Record<string, never>, KafkaStatus> implements CustomTransportStrategy {
  override readonly transportId = Transport.KAFKA;
  protected override readonly logger = new Logger(ServerKafka.name);
  private readonly settings: ResolvedKafkaOptions;
  private readonly replySerializer: { serialize(value: unknown): OutgoingKafkaMessage | Promise<OutgoingKafkaMessage> };
  private readonly requestDeserializer: { deserialize(message: ParsedKafkaMessage, options: { channel: string }): IncomingKafkaRequest | Promise<IncomingKafkaRequest> };
  private kafka?: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly running = new Set<Subscription>();
  private readonly replying = new Set<Promise<void>>();
  private closing = new ShutdownSignal();
  private readonly events: EventDispatcher;
  // Replies to concurrent requests leave in shared produce requests, one lane per reply topic.
  private readonly replies: ProduceCoalescer;
  private readonly sender: AcknowledgedSender;
  private readonly timeouts: HandlerTimeouts;

  constructor(options?: KafkaTransportOptions | KafkaMicroserviceOptions) {
    super();
    this.settings = resolveOptions(options, 'server');
    this.replySerializer = (this.settings.serializer as typeof this.replySerializer | undefined) ?? new KafkaRequestSerializer();
    this.requestDeserializer = (this.settings.deserializer as typeof this.requestDeserializer | undefined) ?? new KafkaRequestDeserializer();
    this.timeouts = new HandlerTimeouts(resolveHandlerTimeout(this.settings.raw.handlerTimeout, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeout'));
    this.sender = new AcknowledgedSender(
      () => {
        if (!this.producer) throw new NotConnectedError('The reply producer', 'listen()');
        return this.producer;
      },
      this.settings.raw.send,
      this.logger,
      (topic) => partitionCount(this.connectedKafka(), topic),
      (error, topic) => explainKafkaError(error, { client: this.settings.client, topics: [topic] }),
    );
    this.events = new EventDispatcher({
      logger: this.logger,
      groupId: this.settings.groupId,
      policy: resolveEventRetry(DEFAULT_EVENT_RETRY, this.settings.raw.eventRetry, 'eventRetry'),
      sender: this.sender,
      timeouts: this.timeouts,
      closing: () => this.closing,
    });
    this.replies = new ProduceCoalescer((topic, messages) => this.sender.sendEach(topic, messages), this.settings.emitBatchMaxMessages);
  }

  /** Keeps RegExp patterns as RegExps (kafkajs subscribes to them), on Nest 11 as on Nest 12. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (!(pattern instanceof RegExp)) {
      super.addHandler(pattern, callback, isEventHandler, extras);
      return;
    }
    const handlers = this.messageHandlers as unknown as Map<unknown, Handler>;
    Object.assign(callback, { isEventHandler, extras });
    const head = handlers.get(pattern);
    if (head && isEventHandler) {
      let tail = head;
      while (tail.next) tail = tail.next as Handler;
      tail.next = callback;
    } else {
      handlers.set(pattern, callback);
    }
  }

  /** Exact pattern first, then the first RegExp pattern that matches the topic. */
  override getHandlerByPattern(pattern: string): Handler | null {
    // A topic name is its own route: skip Nest's JSON.parse attempt, which throws for every plain topic.
    const direct = (this.messageHandlers as unknown as Map<unknown, Handler>).get(pattern);
    if (direct) return direct;
    const exact = super.getHandlerByPattern(pattern) as Handler | null;
    if (exact) return exact;
    for (const [registered, handler] of this.messageHandlers as unknown as Map<unknown, Handler>) {
      if (registered instanceof RegExp) {
        registered.lastIndex = 0;
        if (registered.test(pattern)) return handler;
      }
    }
    return null;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const guard = new StartUpGuard();
      await guard.race(this.start(guard.report));
    } catch (error) {
      await this.close().catch(() => undefined);
      const topics = [...(this.messageHandlers as unknown as Map<string | RegExp, Handler>).keys()];
      callback(explainKafkaError(error, { client: this.settings.client, topics, groupId: this.settings.groupId }));
      return;
    }
    callback();
  }

  /**
   * Stops consuming and disconnects. Handlers still running are abandoned: their messages are not
   * committed (the group delivers them again) and their streams are unsubscribed, so a handler that
   * never ends cannot keep the server from closing.
   */
  async close(): Promise<void> {
    this.closing.trigger();
    for (const subscription of [...this.running]) subscription.unsubscribe();
    // Fetching stops first: a message fetched while closing would only be refused (and redelivered).
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
    // Replies already on their way are produced before the producer goes.
    await Promise.race([Promise.allSettled([...this.replying]), new Promise((grace) => setTimeout(grace, REPLY_DRAIN_MS).unref())]);
    const producer = this.producer;
    this.producer = undefined;
    this.kafka = undefined;
    await producer?.disconnect();
  }

  /** `[kafka, consumer, producer]`, as Nest's server returns them. */
  unwrap<T>(): T {
    if (!this.kafka) throw new NotConnectedError('The Kafka server', 'listen() (app.listen() / startAllMicroservices())');
    return [this.kafka, this.consumer, this.producer] as T;
  }

  on(): never {
    throw new Error('Method is not supported for Kafka server');
  }

  private async start(reportTls: (error: TlsFailedError) => void): Promise<void> {
    const { settings } = this;
    this.closing = new ShutdownSignal();
    const raw = settings.raw;
    this.kafka = createKafka(settings, this.logger, reportTls);
    this.consumer = this.kafka.consumer({ ...settings.consumer, groupId: settings.groupId });
    this.producer = this.kafka.producer(producerConfig(raw.producer, this.sender.pins));
    watchStatus(this.consumer, this.producer, this._status$);
    await this.consumer.connect();
    await this.producer.connect();

    const handlers = [...(this.messageHandlers as unknown as Map<string | RegExp, Handler>)];
    const topics = handlers.map(([topic]) => topic);
    // Bad handler extras fail listen(), not the first message: timeouts here, eventRetry just below.
    for (const [topic, handler] of handlers) this.timeouts.of(handler, String(topic));
    // Resolving each event handler's dead-letter topic also checks its eventRetry extras, at start-up.
    const deadLetterTopics = handlers.flatMap(([topic, handler]) => (typeof topic === 'string' && handler.isEventHandler ? [this.events.deadLetterTopic(topic, handler)] : []));
    if (settings.createTopics) {
      const named = topics.filter((topic): topic is string => typeof topic === 'string');
      await ensureTopics(this.kafka, [...named, ...deadLetterTopics.filter((topic): topic is string => topic !== undefined)], this.logger);
    }
    if (topics.length === 0) return;
    await subscribeCreatingMissing(this.consumer, this.kafka, { ...raw.subscribe, topics }, settings.createTopics, this.logger);
    const joined = firstGroupJoin(this.consumer);
    await this.consumer.run({ ...raw.run, eachMessage: (payload) => this.handleMessage(payload) });
    // listen() resolves once the group has given this server its partitions, not before.
    await joined;
  }

  private async handleMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const consumer = this.consumer;
    const producer = this.producer;
    // Closing: returning would let kafkajs commit a message nobody handled.
    if (!consumer || !producer) throw new ServerClosingError();
    const parsed = parseIncomingMessage(message, topic, partition, this.settings.keepBinary);
    const correlationId = headerText(parsed.headers, KafkaHeaders.CORRELATION_ID);
    const replyTopic = headerText(parsed.headers, KafkaHeaders.REPLY_TOPIC);
    const replyPartition = headerText(parsed.headers, KafkaHeaders.REPLY_PARTITION);
    const deserialized = this.requestDeserializer.deserialize(parsed, { channel: topic });
    // Awaiting only a deserializer that really is asynchronous saves a turn per message.
    const request = deserialized instanceof Promise ? await deserialized : deserialized;
    const context = new KafkaContext(parsed, partition, topic, consumer, heartbeat, producer);
    const handler = this.getHandlerByPattern(request.pattern);

    // Without a correlation id or a reply topic nobody waits for an answer: an event, as in Nest.
    if (handler?.isEventHandler || !correlationId || !replyTopic) {
      if (!handler) {
        this.logger.error(`There is no matching event handler defined in the remote service. Event pattern: ${request.pattern}`);
        return;
      }
      return this.events.dispatch({ request, handler, context, raw: message, topic, partition, heartbeat });
    }
    const reply = (packet: ReplyPacket) => this.sendReply(packet, replyTopic, replyPartition, correlationId);
    if (!handler) {
      await reply({ err: NO_MESSAGE_HANDLER });
      return;
    }
    const response$ = this.transformToObservable(handler(request.data, context)) as Observable<unknown>;
    const { handled, sent, abort } = publishReplyStream(
      response$,
      reply,
      (error) => this.logger.error(`reply to ${replyTopic} (correlation id ${correlationId}) could not be produced: ${(error as Error).message}`),
      (subscription) => {
        this.running.add(subscription);
        return () => this.running.delete(subscription);
      },
    );
    const timeoutMs = this.timeouts.of(handler, request.pattern);
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.abandon(abort, request.pattern, timeoutMs, `${topic}[${partition}]@${message.offset}`), timeoutMs);
    this.replying.add(sent);
    void sent.finally(() => {
      clearTimeout(timer);
      this.replying.delete(sent);
    });
    await this.closing.race(handled);
  }

  private connectedKafka(): Kafka {
    if (!this.kafka) throw new NotConnectedError('The Kafka server', 'listen()');
    return this.kafka;
  }

  /** Past its handlerTimeout: the caller gets the error now, the consumer moves on. */
  private abandon(abort: (err: unknown) => void, pattern: string, timeoutMs: number, where: string): void {
    const error = new HandlerTimeoutError(pattern, timeoutMs);
    this.logger.warn(`request ${where}: ${error.message}; answered with an error`);
    // Nest's shape for handler errors, so callers on either transport read it the same way.
    abort({ status: 'error', message: error.message, code: error.code });
  }

  private async sendReply(packet: ReplyPacket, replyTopic: string, replyPartition: string | undefined, correlationId: string): Promise<void> {
    const serialized = await this.replySerializer.serialize(packet.response);
    const message: OutgoingKafkaMessage = { ...serialized, headers: { ...serialized.headers } };
    addReplyHeaders(message, { correlationId, err: packet.err, isDisposed: packet.isDisposed });
    if (replyPartition !== undefined) {
      const partition = Number(replyPartition);
      if (Number.isInteger(partition) && partition >= 0) message.partition = partition;
      else this.logger.warn(`ignoring invalid ${KafkaHeaders.REPLY_PARTITION} header "${replyPartition}" on a request for ${replyTopic}`);
    }
    await this.replies.enqueue(replyTopic, [message]);
  }
}
