import { Logger } from '@nestjs/common';
import { Server, Transport, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Observable, Subscription } from 'rxjs';
import { headerText, parseIncomingMessage, type ParsedKafkaMessage } from '../codec/incoming-message.js';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import { KafkaHeaders } from '../codec/kafka-headers.enum.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { addReplyHeaders } from '../codec/reply.codec.js';
import { correlationIdBytes, printableHeader, replyPartitionOf } from '../codec/request-reply-headers.js';
import { KafkaRequestDeserializer, KafkaRequestSerializer, type IncomingKafkaRequest } from '../codec/request.codec.js';
import { NO_MESSAGE_HANDLER } from '../constants.js';
import { KafkaContext } from '../context/kafka.context.js';
import { NotConnectedError } from '../errors/not-connected.error.js';
import { ProduceCoalescer } from '../producer/produce-coalescer.js';
import { sendAll } from '../producer/send-all.js';
import type { DeliveryControls, DriverConsumer, DriverProducer, KafkaDriver, RecordOutcome } from '../driver/kafka-driver.interface.js';
import { loadDriver } from '../driver/load-driver.js';
import { awaitReachableBroker } from '../driver/broker-reachability.js';
import { chooseDriver } from '../driver/driver-choice.js';
import { KafkaStatus } from '../kafka-status.enum.js';
import type { KafkaMicroserviceOptions, KafkaTransportOptions } from '../options/kafka-options.interface.js';
import { StartUpGuard } from '../options/start-up-guard.js';
import type { TlsFailedError } from '../errors/tls-failed.error.js';
import { resolveOptions, type ResolvedKafkaOptions } from '../options/resolve-options.js';
import { publishReplyStream, type ReplyPacket } from './reply-stream.js';
import { runWithProcessingHooks, type ProcessingHooks } from './processing-hooks.js';
import { EventDispatcher } from './event-dispatcher.js';
import { planConsumers, topicGroupId } from './consumer-plan.js';
import { checkHandlerExtras } from './handler-extras.js';
import { DEFAULT_EVENT_RETRY, resolveEventRetry } from './event-retry-policy.js';
import { ServerClosingError, ShutdownSignal } from './shutdown-signal.js';
import { DEFAULT_HANDLER_TIMEOUT_MS, HandlerTimeouts, resolveHandlerTimeout } from './handler-timeout.js';
import { HandlerTimeoutError } from '../errors/handler-timeout.error.js';
import { DEFAULT_ORDERING, HandlerOrderings, resolveOrdering } from './record-ordering.js';

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
  private driver?: KafkaDriver;
  // One, or with topicConsumers one per topic; a topic's own is found in consumerOfTopic.
  private consumers: DriverConsumer[] = [];
  private consumerOfTopic = new Map<string, DriverConsumer>();
  private producer?: DriverProducer;
  private readonly running = new Set<Subscription>();
  private readonly replying = new Set<Promise<void>>();
  private closing = new ShutdownSignal();
  private startUp?: AbortController;
  private readonly events: EventDispatcher;
  // Replies to concurrent requests leave in shared produce requests, one lane per reply topic.
  private readonly replies: ProduceCoalescer;
  private readonly timeouts: HandlerTimeouts;
  private readonly orderings: HandlerOrderings;
  // Set once a hook is: without one, a message pays nothing for them.
  private processingHooks?: ProcessingHooks;

  constructor(options?: KafkaTransportOptions | KafkaMicroserviceOptions) {
    super();
    this.settings = resolveOptions(options, 'server');
    chooseDriver(this.settings);
    this.replySerializer = (this.settings.serializer as typeof this.replySerializer | undefined) ?? new KafkaRequestSerializer();
    this.requestDeserializer = (this.settings.deserializer as typeof this.requestDeserializer | undefined) ?? new KafkaRequestDeserializer();
    this.timeouts = new HandlerTimeouts(resolveHandlerTimeout(this.settings.raw.handlerTimeout, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeout'));
    this.orderings = new HandlerOrderings(resolveOrdering(this.settings.raw, DEFAULT_ORDERING, (key) => key));
    this.events = new EventDispatcher({
      logger: this.logger,
      groupIdOf: (topic) => (this.settings.topicConsumers ? topicGroupId(this.settings.groupId, topic) : this.settings.groupId),
      policy: resolveEventRetry(DEFAULT_EVENT_RETRY, this.settings.raw.eventRetry, 'eventRetry'),
      send: (topic, messages) => sendAll(this.connectedProducer(), topic, messages),
      timeouts: this.timeouts,
      closing: () => this.closing,
    });
    this.replies = new ProduceCoalescer((topic, messages) => this.connectedProducer().send(topic, messages), this.settings.emitBatchMaxMessages);
  }

  override setOnProcessingStartHook(hook: Parameters<Server['setOnProcessingStartHook']>[0]): void {
    super.setOnProcessingStartHook(hook);
    this.watchProcessingHooks();
  }

  override setOnProcessingEndHook(hook: Parameters<Server['setOnProcessingEndHook']>[0]): void {
    super.setOnProcessingEndHook(hook);
    this.watchProcessingHooks();
  }

  private watchProcessingHooks(): void {
    this.processingHooks ??= {
      transportId: this.transportId,
      // Read at each message, so a hook set later is the one that runs.
      start: (transportId, context, done) => this.onProcessingStartHook(transportId, context, done),
      end: (transportId, context) => this.onProcessingEndHook?.(transportId, context),
      onEndHookError: (error) => this.logger.error(`the processing end hook failed: ${(error as Error)?.message ?? String(error)}`),
    };
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
      const driver = this.driver;
      await this.close().catch(() => undefined);
      const topics = [...(this.messageHandlers as unknown as Map<string | RegExp, Handler>).keys()];
      callback(driver ? driver.explain(error, { topics, groupId: this.settings.groupId, startUp: true }) : error);
      return;
    }
    callback();
  }

  /**
   * Stops consuming and disconnects. Fetching stops at once; handlers still running get
   * `shutdownTimeout` to finish, and what finished is committed before the server leaves its group.
   * Those still running then are given up on: their messages are not committed (the group delivers
   * them again) and their streams are unsubscribed, so a handler that never ends cannot keep the
   * server from closing.
   */
  async close(): Promise<void> {
    this.startUp?.abort(new ServerClosingError());
    const giveUp = () => {
      this.closing.trigger();
      for (const subscription of [...this.running]) subscription.unsubscribe();
    };
    const consumers = this.consumers;
    this.consumers = [];
    this.consumerOfTopic = new Map();
    await Promise.all(consumers.map((consumer) => consumer.stop({ withinMs: this.settings.shutdownTimeoutMs, giveUp })));
    giveUp();
    // Replies already on their way are produced before the producer goes.
    await Promise.race([Promise.allSettled([...this.replying]), new Promise((grace) => setTimeout(grace, REPLY_DRAIN_MS).unref())]);
    const producer = this.producer;
    this.producer = undefined;
    const driver = this.driver;
    this.driver = undefined;
    await producer?.disconnect();
    await driver?.close();
  }

  /** `[kafka, consumer, producer]`, as Nest's server returns them; with topicConsumers, the first topic's consumer. */
  unwrap<T>(): T {
    if (!this.driver) throw new NotConnectedError('The Kafka server', 'listen() (app.listen() / startAllMicroservices())');
    return [this.driver.native, this.consumers[0]?.native, this.producer?.native] as T;
  }

  on(): never {
    throw new Error('Method is not supported for Kafka server');
  }

  private async start(reportTls: (error: TlsFailedError) => void): Promise<void> {
    const { settings } = this;
    this.closing = new ShutdownSignal();
    this.startUp = new AbortController();
    await awaitReachableBroker(settings, this.logger, this.startUp.signal);
    const driver = await loadDriver(settings, this.logger, reportTls);
    this.driver = driver;
    this.producer = driver.producer(this._status$);

    const handlers = [...(this.messageHandlers as unknown as Map<string | RegExp, Handler>)];
    // Bad handler extras fail listen(), not the first message: unknown keys, timeouts and orderings here, eventRetry just below.
    for (const [topic, handler] of handlers) {
      checkHandlerExtras(topic, handler);
      this.timeouts.of(handler, String(topic));
      this.orderingOfHandler(handler, topic);
    }
    // Resolving each event handler's dead-letter topic also checks its eventRetry extras, at start-up.
    const planned = handlers.map(([pattern, handler]) => ({
      pattern,
      deadLetterTopic: typeof pattern === 'string' && handler.isEventHandler ? this.events.deadLetterTopic(pattern, handler) : undefined,
    }));
    const plans = planConsumers(settings.groupId, planned, settings.topicConsumers);
    for (const plan of plans) {
      const consumer = driver.consumer({
        ...plan,
        createTopics: settings.createTopics,
        onRecord: (record, controls) => this.handleMessage(record, controls),
        orderingOf: (topic) => {
          const handler = this.getHandlerByPattern(topic);
          return handler ? this.orderingOfHandler(handler, topic) : this.orderings.serverDefault;
        },
        status: this._status$,
      });
      this.consumers.push(consumer);
      if (plans.length > 1) this.consumerOfTopic.set(plan.topics[0] as string, consumer);
    }
    await this.producer.connect();
    // listen() resolves once the group (each group) has given this server its partitions, not before.
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  private orderingOfHandler(handler: Handler, pattern: string | RegExp): ReturnType<HandlerOrderings['of']> {
    const decorator = `@${handler.isEventHandler ? 'EventPattern' : 'MessagePattern'}(${typeof pattern === 'string' ? `'${pattern}'` : String(pattern)})`;
    return this.orderings.of(handler, decorator);
  }

  private async handleMessage(record: ConsumedRecord, { heartbeat }: DeliveryControls): Promise<RecordOutcome | void> {
    const { topic, partition } = record;
    const consumer = this.consumerOfTopic.get(topic) ?? this.consumers[0];
    const producer = this.producer;
    // Closing: a commit now would be for a message nobody handled.
    if (!consumer || !producer) return 'redeliver';
    const parsed = parseIncomingMessage(record, this.settings.keepBinary);
    // Read from the record's own bytes: the reply carries them back unchanged, whoever the caller is.
    const correlationId = correlationIdBytes(record.headers[KafkaHeaders.CORRELATION_ID]);
    const replyTopic = headerText(parsed.headers, KafkaHeaders.REPLY_TOPIC);
    const deserialized = this.requestDeserializer.deserialize(parsed, { channel: topic });
    // Awaiting only a deserializer that really is asynchronous saves a turn per message.
    const request = deserialized instanceof Promise ? await deserialized : deserialized;
    const context = new KafkaContext(parsed, partition, topic, consumer.forHandlers, heartbeat, producer.native);
    const handler = this.getHandlerByPattern(request.pattern);

    // Without a correlation id or a reply topic nobody waits for an answer: an event, as in Nest.
    if (handler?.isEventHandler || !correlationId || !replyTopic) {
      if (!handler) {
        this.logger.error(`There is no matching event handler defined in the remote service. Event pattern: ${request.pattern}`);
        return;
      }
      const delivery = { request, handler, context, raw: record, topic, partition, heartbeat };
      if (!this.processingHooks) return this.events.dispatch(delivery);
      return runWithProcessingHooks(this.processingHooks, context, (end) => this.events.dispatch(delivery).finally(end));
    }
    const replyPartition = this.requestedReplyPartition(record, replyTopic);
    const reply = (packet: ReplyPacket) => this.sendReply(packet, replyTopic, replyPartition, correlationId);
    if (!handler) {
      await reply({ err: NO_MESSAGE_HANDLER });
      return;
    }
    if (!this.processingHooks) return this.answer(handler, request, context, record, reply, replyTopic, correlationId);
    return runWithProcessingHooks(this.processingHooks, context, (end) => this.answer(handler, request, context, record, reply, replyTopic, correlationId, end));
  }

  /** Runs a request's handler and publishes its reply stream; resolves once the request is handled. */
  private async answer(
    handler: Handler,
    request: IncomingKafkaRequest,
    context: KafkaContext,
    record: ConsumedRecord,
    reply: (packet: ReplyPacket) => Promise<void>,
    replyTopic: string,
    correlationId: Buffer,
    // The processing end hook: run when the last reply was produced, as Nest runs it when the reply stream ends.
    end?: () => void,
  ): Promise<void> {
    const { topic, partition } = record;
    const response$ = this.transformToObservable(handler(request.data, context)) as Observable<unknown>;
    const { handled, sent, abort } = publishReplyStream(
      response$,
      reply,
      (error) => this.logger.error(`reply to ${replyTopic} (correlation id ${printableHeader(correlationId)}) could not be produced: ${(error as Error).message}`),
      (subscription) => {
        this.running.add(subscription);
        return () => this.running.delete(subscription);
      },
    );
    const timeoutMs = this.timeouts.of(handler, request.pattern);
    const deadlines = timeoutMs === undefined ? undefined : this.closing.deadlines(timeoutMs);
    const deadline = deadlines?.add(() => this.abandon(abort, request.pattern, timeoutMs!, `${topic}[${partition}]@${record.offset}`));
    this.replying.add(sent);
    void sent.finally(() => {
      if (deadline) deadlines!.settle(deadline);
      this.replying.delete(sent);
      end?.();
    });
    await this.closing.race(handled);
  }

  private connectedProducer(): DriverProducer {
    if (!this.producer) throw new NotConnectedError('The reply producer', 'listen()');
    return this.producer;
  }

  /** Past its handlerTimeout: the caller gets the error now, the consumer moves on. */
  private abandon(abort: (err: unknown) => void, pattern: string, timeoutMs: number, where: string): void {
    const error = new HandlerTimeoutError(pattern, timeoutMs);
    this.logger.warn(`request ${where}: ${error.message}; answered with an error`);
    // Nest's shape for handler errors, so callers on either transport read it the same way.
    abort({ status: 'error', message: error.message, code: error.code });
  }

  /** The reply partition a request names, if any; one that cannot be read is warned about once and left to the producer. */
  private requestedReplyPartition(record: ConsumedRecord, replyTopic: string): number | undefined {
    const header = record.headers[KafkaHeaders.REPLY_PARTITION];
    const partition = replyPartitionOf(header);
    if (partition !== 'invalid') return partition;
    this.logger.warn(`ignoring invalid ${KafkaHeaders.REPLY_PARTITION} header "${printableHeader(header)}" on a request for ${replyTopic}: expected decimal text or a 4-byte big-endian int`);
    return undefined;
  }

  private async sendReply(packet: ReplyPacket, replyTopic: string, replyPartition: number | undefined, correlationId: Buffer): Promise<void> {
    const serialized = await this.replySerializer.serialize(packet.response);
    const message: OutgoingKafkaMessage = { ...serialized, headers: { ...serialized.headers } };
    addReplyHeaders(message, { correlationId, err: packet.err, isDisposed: packet.isDisposed });
    if (replyPartition !== undefined) message.partition = replyPartition;
    await this.replies.enqueue(replyTopic, [message]);
  }
}
