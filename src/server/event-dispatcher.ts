import type { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import { hasErrorCode } from '../errors/error-codes.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { deadLetterMessage, describeError } from '../codec/dead-letter-headers.js';
import type { IncomingKafkaRequest } from '../codec/request.codec.js';
import type { KafkaContext } from '../context/kafka.context.js';
import type { EventRetryOptions } from '../options/kafka-options.interface.js';
import { backoffBefore, resolveEventRetry, type EventRetryPolicy } from './event-retry-policy.js';
import type { ShutdownSignal } from './shutdown-signal.js';
import type { HandlerTimeouts } from './handler-timeout.js';
import { HandlerTimeoutError } from '../errors/handler-timeout.error.js';

type EventHandler = MessageHandler & { extras?: { eventRetry?: EventRetryOptions } };

export interface EventDelivery {
  request: IncomingKafkaRequest;
  handler: EventHandler;
  context: KafkaContext;
  /** The record as consumed, bytes untouched, for the dead letter. */
  raw: ConsumedRecord;
  topic: string;
  partition: number;
  heartbeat: () => Promise<void>;
}

export interface EventDispatcherDeps {
  logger: Logger;
  /** The group that read `topic`: named in its dead letters. */
  groupIdOf(topic: string): string;
  policy: EventRetryPolicy;
  /** Resolves once the broker stored every message; used for dead letters. */
  send(topic: string, messages: OutgoingKafkaMessage[]): Promise<unknown>;
  timeouts: HandlerTimeouts;
  closing: () => ShutdownSignal;
}

// Heartbeats keep the member in its group while a long backoff holds its partition.
const HEARTBEAT_EVERY_MS = 1000;

/**
 * Runs event handlers at least once without letting one message stall its partition forever: a
 * failing handler is tried again with exponential backoff, up to the policy's attempts; then the
 * message goes to its dead-letter topic (or, if chosen explicitly, is skipped) and the partition
 * moves on. If the dead letter cannot be produced the message is not committed, so nothing is lost.
 */
export class EventDispatcher {
  private readonly policies = new WeakMap<EventHandler, EventRetryPolicy>();

  constructor(private readonly deps: EventDispatcherDeps) {}

  /**
   * Runs the event's handler under its retry policy. `failedOnce`: its first try already failed
   * (within a batch), so tries go on from the second.
   */
  async dispatch(delivery: EventDelivery, failedOnce?: { error: unknown }): Promise<void> {
    const policy = this.policyOf(delivery.handler);
    const where = () => `${delivery.topic}[${delivery.partition}]@${delivery.raw.offset}`;
    let lastError: unknown = failedOnce?.error;
    let attempt = 1;
    if (failedOnce) {
      if (policy.attempts > 1) await this.backOff(delivery, policy, 1, lastError, where());
      attempt = 2;
    }
    for (; attempt <= policy.attempts; attempt += 1) {
      try {
        const timeoutMs = this.deps.timeouts.of(delivery.handler, delivery.request.pattern);
        const bound = timeoutMs === undefined ? undefined : { ms: timeoutMs, timedOut: () => new HandlerTimeoutError(delivery.request.pattern, timeoutMs) };
        await this.deps.closing().race(this.runOnce(delivery), bound);
        return;
      } catch (error) {
        if (this.isClosing(error)) throw error;
        lastError = error;
        if (attempt === policy.attempts) break;
        await this.backOff(delivery, policy, attempt, error, where());
      }
    }
    await this.giveUp(delivery, policy, lastError, where());
  }

  private async backOff(delivery: EventDelivery, policy: EventRetryPolicy, attempt: number, error: unknown, where: string): Promise<void> {
    const wait = backoffBefore(policy, attempt);
    this.deps.logger.warn(`event ${where} failed (try ${attempt} of ${policy.attempts}): ${describeError(error)}; trying again in ${wait} ms`);
    await this.deps.closing().race(this.pause(wait, delivery.heartbeat));
  }

  /** The dead-letter topic of events on `topic`, or undefined when its handler skips instead. */
  deadLetterTopic(topic: string, handler: EventHandler): string | undefined {
    const suffix = this.policyOf(handler).deadLetterSuffix;
    return suffix === undefined ? undefined : `${topic}${suffix}`;
  }

  private async runOnce({ handler, request, context }: EventDelivery): Promise<void> {
    const result = await handler(request.data, context);
    // An observable that completes without a value is a handled event, not an error.
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private async giveUp(delivery: EventDelivery, policy: EventRetryPolicy, error: unknown, where: string): Promise<void> {
    if (policy.deadLetterSuffix === undefined) {
      this.deps.logger.error(`event ${where} skipped after ${policy.attempts} failed tries (deadLetter: false): ${describeError(error)}`);
      return;
    }
    const deadLetterTopic = `${delivery.topic}${policy.deadLetterSuffix}`;
    const message = deadLetterMessage(delivery.raw, { topic: delivery.topic, partition: delivery.partition, groupId: this.deps.groupIdOf(delivery.topic), error, attempts: policy.attempts });
    await this.deps.send(deadLetterTopic, [message]);
    this.deps.logger.error(`event ${where} moved to ${deadLetterTopic} after ${policy.attempts} failed tries: ${describeError(error)}`);
  }

  private policyOf(handler: EventHandler): EventRetryPolicy {
    let policy = this.policies.get(handler);
    if (!policy) {
      policy = resolveEventRetry(this.deps.policy, handler.extras?.eventRetry, '@EventPattern extras eventRetry');
      this.policies.set(handler, policy);
    }
    return policy;
  }

  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      await new Promise((wake) => setTimeout(wake, Math.min(left, HEARTBEAT_EVERY_MS)));
      await heartbeat().catch(() => undefined);
    }
  }

  private isClosing(error: unknown): boolean {
    return hasErrorCode(error, 'KAFKA_SERVER_CLOSING');
  }
}
