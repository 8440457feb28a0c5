import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Consumer, Producer, TopicPartitionOffsetAndMetadata } from '@nestjs/microservices/external/kafka.interface.js';
import { connectable, defer, from, mergeMap, Observable, Subject, throwError } from 'rxjs';
import { headerText, parseIncomingMessage, type ParsedKafkaMessage } from '../codec/incoming-message.js';
import { KafkaHeaders } from '../codec/kafka-headers.enum.js';
import type { ConsumedRecord, RecordMetadata } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { KafkaResponseDeserializer, type KafkaReplyPacket } from '../codec/reply.codec.js';
import { KafkaRequestSerializer } from '../codec/request.codec.js';
import { REPLY_TOPIC_SUFFIX } from '../constants.js';
import { ClientClosedError } from '../errors/client-closed.error.js';
import { InvalidMessageError } from '../errors/invalid-message.error.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';
import { NotConnectedError } from '../errors/not-connected.error.js';
import { ReplyPartitionUnavailableError } from '../errors/reply-partition-unavailable.error.js';
import { ReplyTimeoutError } from '../errors/reply-timeout.error.js';
import { ReplyTopicNotSubscribedError } from '../errors/reply-topic-not-subscribed.error.js';
import type { KafkaMicroserviceOptions, KafkaTransportOptions } from '../options/kafka-options.interface.js';
import { StartUpGuard } from '../options/start-up-guard.js';
import type { TlsFailedError } from '../errors/tls-failed.error.js';
import { resolveOptions, type ResolvedKafkaOptions } from '../options/resolve-options.js';
import { ReplyRouter } from '../reply/reply-router.js';
import { ProduceCoalescer } from '../producer/produce-coalescer.js';
import { sendAll } from '../producer/send-all.js';
import type { AssignmentChange, DriverConsumer, DriverProducer, KafkaDriver } from '../driver/kafka-driver.interface.js';
import { loadDriver } from '../driver/load-driver.js';
import { awaitReachableBroker } from '../driver/broker-reachability.js';
import { chooseDriver } from '../driver/driver-choice.js';
import { ReplyAssignments } from './reply-assignments.js';
import type { ReplyConvention } from '../codec/reply-convention.js';
import { replyPartitionHeader } from '../codec/request-reply-headers.js';
import { checkConvention, replyConventions } from '../options/reply-conventions.js';

/** Per-call options of `send()`. */
export interface SendOptions {
  /** Milliseconds to wait for the reply stream to end; overrides the client's `requestTimeout`. */
  timeout?: number;
  /** The callee's conventions for this call; overrides the client's `replyConvention`. */
  replyConvention?: ReplyConvention;
}

type RequestSerializer = { serialize(value: unknown, options?: { pattern: string }): OutgoingKafkaMessage | Promise<OutgoingKafkaMessage> };
type ResponseDeserializer = { deserialize(message: ParsedKafkaMessage): KafkaReplyPacket | Promise<KafkaReplyPacket> };

/**
 * The client side (`ClientsModule.register([{ name, customClass: ClientKafka, options }])`): emits
 * events, sends requests and routes their replies by correlation id, with a timeout on every request.
 */
export class ClientKafka extends ClientProxy {
  protected readonly logger = new Logger(ClientKafka.name);
  private readonly settings: ResolvedKafkaOptions;
  private readonly requestSerializer: RequestSerializer;
  private readonly responseDeserializer: ResponseDeserializer;
  private readonly conventionOf: (pattern: string) => ReplyConvention;
  private readonly router = new ReplyRouter();
  private readonly replyTopics = new Set<string>();
  private readonly assignments = new ReplyAssignments();
  private readonly missingPartitionDetail = new Map<string, string>();
  // Emits and requests share per-topic lanes: many concurrent callers, few produce requests.
  private readonly produces: ProduceCoalescer;
  private joinedAt = 0;
  // The reply consumer's start-up is over: a reply topic without a partition is now worth an error.
  private started = false;
  private driver?: KafkaDriver;
  private _consumer?: DriverConsumer;
  private _producer?: DriverProducer;
  private initialized?: Promise<void>;
  // Aborted by close(): a start-up still waiting for a broker ends with it.
  private startUp?: AbortController;
  // Connected and joined: emit() may skip connect().
  private ready = false;

  constructor(options?: KafkaTransportOptions | KafkaMicroserviceOptions) {
    super();
    this.settings = resolveOptions(options, 'client');
    chooseDriver(this.settings);
    this.conventionOf = replyConventions(this.settings.raw.replyConvention);
    this.requestSerializer = (this.settings.serializer as RequestSerializer | undefined) ?? new KafkaRequestSerializer();
    this.responseDeserializer = (this.settings.deserializer as ResponseDeserializer | undefined) ?? new KafkaResponseDeserializer();
    this.produces = new ProduceCoalescer((topic, messages) => this.connectedProducer().send(topic, messages), this.settings.emitBatchMaxMessages);
  }

  /** The driver's reply consumer (a kafkajs Consumer on the default driver). */
  get consumer(): Consumer {
    return this.connectedConsumer().native as Consumer;
  }

  /** The driver's producer (a kafkajs Producer on the default driver). */
  get producer(): Producer {
    return this.connectedProducer().native as Producer;
  }

  /** Requests for `pattern` expect replies: consume `<pattern>.reply`. Call before connect(). */
  subscribeToResponseOf(pattern: unknown): void {
    this.replyTopics.add(this.getResponsePatternName(this.normalizePattern(pattern as string)));
  }

  getResponsePatternName(pattern: string): string {
    return `${pattern}${REPLY_TOPIC_SUFFIX}`;
  }

  /** Reply topic to this instance's reply partition, as Nest's client exposes it. */
  getConsumerAssignments(): Record<string, number> {
    return this.assignments.minimums();
  }

  /** Connects once; a failed attempt is discarded, so the next call tries again. */
  async connect(): Promise<Producer> {
    if (!this.initialized) {
      const guard = new StartUpGuard();
      const attempt = guard.race(this.initialize(guard.report)).catch((error: unknown) => {
        throw this.driver ? this.driver.explain(error, { topics: [...this.replyTopics], groupId: this.settings.groupId, startUp: true }) : error;
      });
      this.initialized = attempt;
      attempt.catch(async () => {
        if (this.initialized === attempt) await this.close().catch(() => undefined);
      });
    }
    await this.initialized;
    return this.producer;
  }

  /** Fails every waiting request at once (ClientClosedError), then disconnects. */
  async close(): Promise<void> {
    this.startUp?.abort(new ClientClosedError());
    this.router.failWhere(() => true, () => new ClientClosedError());
    const { _consumer: consumer, _producer: producer } = this;
    this._consumer = undefined;
    this._producer = undefined;
    const driver = this.driver;
    this.driver = undefined;
    this.initialized = undefined;
    this.ready = false;
    this.started = false;
    this.assignments.clear();
    await producer?.disconnect();
    await consumer?.stop();
    await driver?.close();
  }

  /** Like ClientProxy.send, with an optional per-call timeout: `send(pattern, data, { timeout })`. */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput, options: SendOptions = {}): Observable<TResult> {
    if (pattern === null || pattern === undefined || data === null || data === undefined) return throwError(() => new InvalidMessageError());
    const timeout = options.timeout ?? this.settings.requestTimeoutMs;
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      return throwError(() => new InvalidOptionError('send(..., { timeout })', `expected a positive number of milliseconds, got ${String(timeout)}`, 'For example: client.send(pattern, data, { timeout: 5000 })'));
    }
    let convention: ReplyConvention | undefined;
    try {
      convention = options.replyConvention === undefined ? undefined : checkConvention(options.replyConvention, 'send(..., { replyConvention })');
    } catch (error) {
      return throwError(() => error);
    }
    return defer(() => this.connect()).pipe(
      mergeMap(
        () =>
          new Observable<TResult>((observer) => {
            const packet = { pattern, data } as ReadPacket;
            (this as unknown as { onDispatchHook?: (packet: ReadPacket) => void }).onDispatchHook?.(packet);
            return this.request(packet, this.createObserver(observer), timeout, convention);
          }),
      ),
    );
  }

  /**
   * Like ClientProxy.emit: the event leaves at once, subscribed or not, and the observable yields
   * the broker's acknowledgement. One promise instead of Nest's defer/connectable/Subject chain,
   * which took a good share of a busy emitter's CPU.
   */
  override emit<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    if (pattern === null || pattern === undefined || data === null || data === undefined) return throwError(() => new InvalidMessageError());
    const packet = { pattern, data } as ReadPacket;
    (this as unknown as { onDispatchHook?: (packet: ReadPacket) => void }).onDispatchHook?.(packet);
    const sent = this.ready ? this.dispatchEvent<TResult>(packet) : this.connect().then(() => this.dispatchEvent<TResult>(packet));
    // As with Nest's emit, a failure nobody subscribed to is not an unhandled rejection.
    sent.catch(() => undefined);
    return from(sent);
  }

  /** Sends several events to one topic in a single produce request. */
  emitBatch<TInput = unknown>(pattern: unknown, data: { messages: TInput[] }): Observable<RecordMetadata[]> {
    if (pattern === null || pattern === undefined || data === null || data === undefined) return throwError(() => new InvalidMessageError());
    const source = defer(() => this.connect()).pipe(mergeMap(() => this.dispatchBatch(this.normalizePattern(pattern as string), data.messages ?? [])));
    const hot = connectable(source, { connector: () => new Subject(), resetOnDisconnect: false });
    hot.connect();
    return hot;
  }

  /** Commits offsets on this client's own (reply) consumer. */
  commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    return this.connectedConsumer().commitOffsets(topicPartitions);
  }

  unwrap<T>(): T {
    if (!this.driver) throw new NotConnectedError('Not initialized. The Kafka client', 'connect()');
    return this.driver.native as T;
  }

  override on(): never {
    throw new Error('Method is not supported for Kafka client');
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.request(packet, callback, this.settings.requestTimeoutMs);
  }

  protected dispatchEvent<T = RecordMetadata[]>(packet: ReadPacket): Promise<T> {
    try {
      const topic = this.normalizePattern(packet.pattern);
      const serialized = this.requestSerializer.serialize(packet.data, { pattern: topic });
      // Not an async function: a busy emitter saves a promise and a turn per event this way.
      if (serialized instanceof Promise) return serialized.then((message) => this.produces.enqueue(topic, [message])) as Promise<T>;
      return this.produces.enqueue(topic, [serialized]) as Promise<T>;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private async dispatchBatch(topic: string, payloads: unknown[]): Promise<RecordMetadata[]> {
    if (payloads.length === 0) return [];
    const messages = await Promise.all(payloads.map((payload) => this.requestSerializer.serialize(payload, { pattern: topic })));
    return sendAll(this.connectedProducer(), topic, messages);
  }

  private request(packet: ReadPacket, callback: (packet: WritePacket) => void, timeoutMs: number, convention?: ReplyConvention): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    const callee = convention ?? this.conventionOf(pattern);
    const replyTopic = this.getResponsePatternName(pattern);
    const fail = (err: unknown) => {
      callback({ err, isDisposed: true });
      return () => undefined;
    };
    if (!this.replyTopics.has(replyTopic)) return fail(new ReplyTopicNotSubscribedError(pattern, replyTopic));
    const replyPartition = this.assignments.replyPartition(replyTopic);
    if (replyPartition === undefined) {
      return fail(new ReplyPartitionUnavailableError(replyTopic, this.settings.groupId, this.missingPartitionDetail.get(replyTopic) ?? 'the reply group gave it none'));
    }
    const id = (this.assignPacketId(packet) as ReadPacket & { id: string }).id;
    // A Spring listener answers once, without Nest's end-of-stream header.
    const request = { pattern, replyTopic, replyPartition, callback, endsOnFirstReply: callee === 'spring' };
    const remove = this.router.register(id, request, timeoutMs, () => new ReplyTimeoutError(pattern, timeoutMs, id));
    void this.produceRequest(pattern, packet.data, id, replyTopic, replyPartitionHeader(replyPartition, callee)).catch((error: unknown) => this.router.fail(id, error));
    return remove;
  }

  private async produceRequest(topic: string, data: unknown, id: string, replyTopic: string, replyPartition: Buffer | string): Promise<void> {
    const serialized = await this.requestSerializer.serialize(data, { pattern: topic });
    const message: OutgoingKafkaMessage = { ...serialized, headers: { ...serialized.headers } };
    message.headers[KafkaHeaders.CORRELATION_ID] = id;
    message.headers[KafkaHeaders.REPLY_TOPIC] = replyTopic;
    message.headers[KafkaHeaders.REPLY_PARTITION] = replyPartition;
    await this.produces.enqueue(topic, [message]);
  }

  private async initialize(reportTls: (error: TlsFailedError) => void): Promise<void> {
    const { settings } = this;
    this.joinedAt ||= Date.now();
    const startUp = new AbortController();
    this.startUp = startUp;
    await awaitReachableBroker(settings, this.logger, startUp.signal);
    const driver = await loadDriver(settings, this.logger, reportTls);
    this.driver = driver;
    // Set at once so that close() after a failed start disconnects it too.
    const producer = driver.producer(this._status$);
    this._producer = producer;
    // The producer connects while the reply consumer joins its group: ready time is the longer of the two.
    const producerConnected = producer.connect();
    producerConnected.catch(() => undefined);
    if (!settings.producerOnlyMode) {
      const topics = [...this.replyTopics];
      const consumer = driver.consumer({
        groupId: settings.groupId,
        topics,
        topicsToCreate: topics,
        createTopics: settings.createTopics,
        replyPartitions: { joinedAt: this.joinedAt, current: () => this.assignments.minimums() },
        onRecord: (record) => this.handleReply(record),
        onAssignment: (assignment, change) => this.onGroupJoin(consumer, assignment, change),
        status: this._status$,
      });
      this._consumer = consumer;
      // Requests need a reply partition: start() waits for the first assignment instead of failing the first send().
      await consumer.start();
      this.started = true;
      this.explainMissingPartitions(consumer);
    }
    await producerConnected;
    this.ready = true;
  }

  private onGroupJoin(consumer: DriverConsumer, memberAssignment: Record<string, number[]>, change: AssignmentChange): void {
    this.assignments.replace(memberAssignment);
    const lost = this.router.failWhere(
      (request) => !this.assignments.owns(request.replyTopic, request.replyPartition),
      (request) => new ReplyPartitionUnavailableError(request.replyTopic, this.settings.groupId, `a rebalance moved partition ${request.replyPartition} to another instance while send('${request.pattern}') waited`),
    );
    if (lost > 0) this.logger.warn(`${lost} waiting request(s) failed: their reply partition moved to another instance`);
    if (!change.settled) {
      // Joining again after the group dropped this instance: what it lacks is coming back, not missing.
      for (const topic of this.replyTopics) this.missingPartitionDetail.set(topic, 'this instance is joining its group again (the group dropped it: no heartbeat within the session)');
      return;
    }
    // While starting, an assignment may lack a partition for a while (under KIP-848 a new member is
    // given nothing until the others let go): start-up waits, then explains what is still missing.
    if (this.started) this.explainMissingPartitions(consumer);
  }

  private explainMissingPartitions(consumer: DriverConsumer): void {
    for (const topic of this.replyTopics) {
      if (this.assignments.replyPartition(topic) !== undefined) {
        this.missingPartitionDetail.delete(topic);
        continue;
      }
      void this.explainMissingPartition(consumer, topic);
    }
  }

  /** Says how many partitions the reply topic has and how many instances share the group. */
  private async explainMissingPartition(consumer: DriverConsumer, topic: string): Promise<void> {
    const driver = this.driver;
    if (!driver) return;
    try {
      const members = await consumer.groupSize(topic);
      const partitions = await driver.partitionCount(topic);
      const detail = `the group has ${members} instances and "${topic}" has ${partitions} partition(s); it needs at least ${members}`;
      this.missingPartitionDetail.set(topic, detail);
      this.logger.error(`reply topic "${topic}": ${detail}`);
    } catch (error) {
      this.logger.warn(`reply topic "${topic}": no partition assigned (${(error as Error).message})`);
    }
  }

  private async handleReply(record: ConsumedRecord): Promise<void> {
    const parsed = parseIncomingMessage(record, this.settings.keepBinary);
    if (headerText(parsed.headers, KafkaHeaders.CORRELATION_ID) === undefined) return;
    this.router.deliver(await this.responseDeserializer.deserialize(parsed));
  }

  private connectedProducer(): DriverProducer {
    if (!this._producer) throw new NotConnectedError('No producer initialized: the client producer', 'connect()');
    return this._producer;
  }

  private connectedConsumer(): DriverConsumer {
    if (!this._consumer) throw new NotConnectedError('No consumer initialized: the client consumer', 'connect()');
    return this._consumer;
  }
}
