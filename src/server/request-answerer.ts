import type { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import type { Observable, Subscription } from 'rxjs';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import { KafkaHeaders } from '../codec/kafka-headers.enum.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { addReplyHeaders } from '../codec/reply.codec.js';
import { printableHeader, replyPartitionOf } from '../codec/request-reply-headers.js';
import type { IncomingKafkaRequest } from '../codec/request.codec.js';
import { NO_MESSAGE_HANDLER } from '../constants.js';
import type { KafkaContext } from '../context/kafka.context.js';
import { HandlerTimeoutError } from '../errors/handler-timeout.error.js';
import type { ProduceCoalescer } from '../producer/produce-coalescer.js';
import type { HandlerTimeouts } from './handler-timeout.js';
import { runWithProcessingHooks, type ProcessingHooks } from './processing-hooks.js';
import { publishReplyStream, type ReplyPacket } from './reply-stream.js';
import type { ShutdownSignal } from './shutdown-signal.js';

/** A request being answered: what its handler runs on and where its replies go. */
export interface IncomingRequest {
  handler: MessageHandler;
  request: IncomingKafkaRequest;
  context: KafkaContext;
  record: ConsumedRecord;
  replyTopic: string;
  correlationId: Buffer;
}

export interface RequestAnswererDeps {
  logger: Logger;
  timeouts: HandlerTimeouts;
  closing: () => ShutdownSignal;
  /** Nest's `transformToObservable`: a handler's value, promise or observable as an observable. */
  toObservable: (result: unknown) => Observable<unknown>;
  replySerializer: { serialize(value: unknown): OutgoingKafkaMessage | Promise<OutgoingKafkaMessage> };
  /** Replies to concurrent requests leave in shared produce requests, one lane per reply topic. */
  replies: ProduceCoalescer;
  /** Reply streams running: the server's close unsubscribes those it gives up on. */
  running: Set<Subscription>;
  /** Replies on their way: the server's close lets them reach the broker. */
  replying: Set<Promise<void>>;
  hooks: () => ProcessingHooks | undefined;
}

/**
 * Answers requests as Nest's server does: the handler's reply stream goes to `kafka_replyTopic` /
 * `kafka_replyPartition` with the request's correlation id, each value a reply, the last marked as
 * the end; a request without a handler gets Nest's "no handler" error. A handler past its
 * handlerTimeout is answered with a HandlerTimeoutError, and the record moves on.
 */
export class RequestAnswerer {
  constructor(private readonly deps: RequestAnswererDeps) {}

  /** Resolves once the request is handled (its replies may still be on their way). */
  async answer(handler: MessageHandler | null, request: Omit<IncomingRequest, 'handler'>): Promise<void> {
    const replyPartition = this.requestedReplyPartition(request.record, request.replyTopic);
    const reply = (packet: ReplyPacket) => this.sendReply(packet, request.replyTopic, replyPartition, request.correlationId);
    if (!handler) {
      await reply({ err: NO_MESSAGE_HANDLER });
      return;
    }
    const incoming = { ...request, handler };
    const hooks = this.deps.hooks();
    if (!hooks) return this.run(incoming, reply);
    return runWithProcessingHooks(hooks, request.context, (end) => this.run(incoming, reply, end));
  }

  /** Runs the handler and publishes its reply stream. `end`, the processing end hook, runs once the last reply was produced, as Nest runs it when the reply stream ends. */
  private async run({ handler, request, context, record, replyTopic, correlationId }: IncomingRequest, reply: (packet: ReplyPacket) => Promise<void>, end?: () => void): Promise<void> {
    const { topic, partition } = record;
    const { closing, running, replying } = this.deps;
    const response$ = this.deps.toObservable(handler(request.data, context));
    const { handled, sent, abort } = publishReplyStream(
      response$,
      reply,
      (error) => this.deps.logger.error(`reply to ${replyTopic} (correlation id ${printableHeader(correlationId)}) could not be produced: ${(error as Error).message}`),
      (subscription) => {
        running.add(subscription);
        return () => running.delete(subscription);
      },
    );
    const timeoutMs = this.deps.timeouts.of(handler, request.pattern);
    const deadlines = timeoutMs === undefined ? undefined : closing().deadlines(timeoutMs);
    const deadline = deadlines?.add(() => this.abandon(abort, request.pattern, timeoutMs!, `${topic}[${partition}]@${record.offset}`));
    replying.add(sent);
    void sent.finally(() => {
      if (deadline) deadlines!.settle(deadline);
      replying.delete(sent);
      end?.();
    });
    await closing().race(handled);
  }

  /** Past its handlerTimeout: the caller gets the error now, the consumer moves on. */
  private abandon(abort: (err: unknown) => void, pattern: string, timeoutMs: number, where: string): void {
    const error = new HandlerTimeoutError(pattern, timeoutMs);
    this.deps.logger.warn(`request ${where}: ${error.message}; answered with an error`);
    // Nest's shape for handler errors, so callers on either transport read it the same way.
    abort({ status: 'error', message: error.message, code: error.code });
  }

  /** The reply partition a request names, if any; one that cannot be read is warned about once and left to the producer. */
  private requestedReplyPartition(record: ConsumedRecord, replyTopic: string): number | undefined {
    const header = record.headers[KafkaHeaders.REPLY_PARTITION];
    const partition = replyPartitionOf(header);
    if (partition !== 'invalid') return partition;
    this.deps.logger.warn(`ignoring invalid ${KafkaHeaders.REPLY_PARTITION} header "${printableHeader(header)}" on a request for ${replyTopic}: expected decimal text or a 4-byte big-endian int`);
    return undefined;
  }

  private async sendReply(packet: ReplyPacket, replyTopic: string, replyPartition: number | undefined, correlationId: Buffer): Promise<void> {
    const serialized = await this.deps.replySerializer.serialize(packet.response);
    const message: OutgoingKafkaMessage = { ...serialized, headers: { ...serialized.headers } };
    addReplyHeaders(message, { correlationId, err: packet.err, isDisposed: packet.isDisposed });
    if (replyPartition !== undefined) message.partition = replyPartition;
    await this.deps.replies.enqueue(replyTopic, [message]);
  }
}
