import { Logger } from '@nestjs/common';
import { Server, Transport, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Observable, Subscription } from 'rxjs';
import { headerText, parseIncomingMessage, type ParsedKafkaMessage } from '../codec/incoming-message.js';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import { KafkaHeaders } from '../codec/kafka-headers.enum.js';
import { correlationIdBytes } from '../codec/request-reply-headers.js';
import { KafkaRequestDeserializer, KafkaRequestSerializer, type IncomingKafkaRequest } from '../codec/request.codec.js';
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
import { RequestAnswerer, type RequestAnswererDeps } from './request-answerer.js';
import { BatchDispatcher } from './batch-dispatcher.js';
import { HandlerSettings } from './handler-settings.js';
import { runWithProcessingHooks, type ProcessingHooks } from './processing-hooks.js';
import { EventDispatcher } from './event-dispatcher.js';
import { planConsumers, topicGroupId } from './consumer-plan.js';
import { DEFAULT_EVENT_RETRY, resolveEventRetry } from './event-retry-policy.js';
import { ServerClosingError, ShutdownSignal } from './shutdown-signal.js';

type Handler = MessageHandler & { isEventHandler?: boolean; extras?: Record<string, unknown> };

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
  private readonly requests: RequestAnswerer;
  private readonly batches: BatchDispatcher;
  private readonly handlerSettings: HandlerSettings;
  // Set once a hook is: without one, a message pays nothing for them.
  private processingHooks?: ProcessingHooks;

  constructor(options?: KafkaTransportOptions | KafkaMicroserviceOptions) {
    super();
    this.settings = resolveOptions(options, 'server');
    chooseDriver(this.settings);
    this.requestDeserializer = (this.settings.deserializer as typeof this.requestDeserializer | undefined) ?? new KafkaRequestDeserializer();
    this.handlerSettings = new HandlerSettings(this.settings.raw);
    const { timeouts } = this.handlerSettings;
    this.events = new EventDispatcher({
      logger: this.logger,
      groupIdOf: (topic) => (this.settings.topicConsumers ? topicGroupId(this.settings.groupId, topic) : this.settings.groupId),
      policy: resolveEventRetry(DEFAULT_EVENT_RETRY, this.settings.raw.eventRetry, 'eventRetry'),
      send: (topic, messages) => sendAll(this.connectedProducer(), topic, messages),
      timeouts,
      closing: () => this.closing,
    });
    const replySerializer = (this.settings.serializer as RequestAnswererDeps['replySerializer'] | undefined) ?? new KafkaRequestSerializer();
    this.requests = new RequestAnswerer({
      logger: this.logger,
      timeouts,
      closing: () => this.closing,
      toObservable: (result) => this.transformToObservable(result) as Observable<unknown>,
      replySerializer,
      replies: new ProduceCoalescer((topic, messages) => this.connectedProducer().send(topic, messages), this.settings.emitBatchMaxMessages),
      running: this.running,
      replying: this.replying,
      hooks: () => this.processingHooks,
    });
    this.batches = new BatchDispatcher({ logger: this.logger, events: this.events, timeouts, closing: () => this.closing, hooks: () => this.processingHooks });
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
    // Bad handler extras fail listen(), not the first message; eventRetry is checked just below.
    for (const [topic, handler] of handlers) this.handlerSettings.check(topic, handler);
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
        orderingOf: (topic) => this.handlerSettings.orderingOf(this.getHandlerByPattern(topic), topic),
        batchOf: (topic) => this.handlerSettings.batchOf(this.getHandlerByPattern(topic), topic),
        onBatch: (records, controls) => this.handleBatch(records, controls),
        status: this._status$,
      });
      this.consumers.push(consumer);
      if (plans.length > 1) this.consumerOfTopic.set(plan.topics[0] as string, consumer);
    }
    await this.producer.connect();
    // listen() resolves once the group (each group) has given this server its partitions, not before.
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  /** Decodes a record and builds its context; undefined while closing (a commit now would be for a message nobody handled). */
  private async receive(record: ConsumedRecord, heartbeat: () => Promise<void>): Promise<{ parsed: ParsedKafkaMessage; request: IncomingKafkaRequest; context: KafkaContext } | undefined> {
    const { topic, partition } = record;
    const consumer = this.consumerOfTopic.get(topic) ?? this.consumers[0];
    const producer = this.producer;
    if (!consumer || !producer) return undefined;
    const parsed = parseIncomingMessage(record, this.settings.keepBinary);
    const deserialized = this.requestDeserializer.deserialize(parsed, { channel: topic });
    // Awaiting only a deserializer that really is asynchronous saves a turn per message.
    const request = deserialized instanceof Promise ? await deserialized : deserialized;
    return { parsed, request, context: new KafkaContext(parsed, partition, topic, consumer.forHandlers, heartbeat, producer.native) };
  }

  private async handleMessage(record: ConsumedRecord, { heartbeat }: DeliveryControls): Promise<RecordOutcome | void> {
    const received = await this.receive(record, heartbeat);
    if (!received) return 'redeliver';
    const { parsed, request, context } = received;
    const { topic, partition } = record;
    // Read from the record's own bytes: the reply carries them back unchanged, whoever the caller is.
    const correlationId = correlationIdBytes(record.headers[KafkaHeaders.CORRELATION_ID]);
    const replyTopic = headerText(parsed.headers, KafkaHeaders.REPLY_TOPIC);
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
    return this.requests.answer(handler, { request, context, record, replyTopic, correlationId });
  }

  /** The records of one partition of a topic whose event handler takes batches. */
  private async handleBatch(records: ConsumedRecord[], { heartbeat }: DeliveryControls): Promise<RecordOutcome[]> {
    const received = [];
    for (const record of records) {
      const one = await this.receive(record, heartbeat);
      if (!one) return records.map(() => 'redeliver');
      received.push({ request: one.request, context: one.context, raw: record });
    }
    const handler = this.getHandlerByPattern(received[0].request.pattern);
    if (!handler) {
      this.logger.error(`There is no matching event handler defined in the remote service. Event pattern: ${received[0].request.pattern}`);
      return records.map(() => 'commit');
    }
    const consumer = this.consumerOfTopic.get(records[0].topic) ?? this.consumers[0];
    return this.batches.dispatch(handler, received, { consumer: consumer?.forHandlers, heartbeat, producer: this.producer?.native });
  }

  private connectedProducer(): DriverProducer {
    if (!this.producer) throw new NotConnectedError('The reply producer', 'listen()');
    return this.producer;
  }
}
