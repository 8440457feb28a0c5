import type { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { ConsumedRecord } from '../codec/kafka-record.js';
import type { IncomingKafkaRequest } from '../codec/request.codec.js';
import { KafkaBatchContext } from '../context/kafka-batch.context.js';
import type { KafkaContext } from '../context/kafka.context.js';
import type { RecordOutcome } from '../driver/kafka-driver.interface.js';
import { hasErrorCode } from '../errors/error-codes.js';
import { HandlerTimeoutError } from '../errors/handler-timeout.error.js';
import { batchFailureOf } from '../errors/kafka-batch.error.js';
import type { EventDispatcher } from './event-dispatcher.js';
import type { HandlerTimeouts } from './handler-timeout.js';
import { runWithProcessingHooks, type ProcessingHooks } from './processing-hooks.js';
import type { ShutdownSignal } from './shutdown-signal.js';

/** One record of a batch, decoded, with its own context. */
export interface BatchRecord {
  request: IncomingKafkaRequest;
  context: KafkaContext;
  raw: ConsumedRecord;
}

/** What the records of a batch share: the consumer, heartbeat and producer their contexts hold. */
export interface BatchShared {
  consumer: unknown;
  heartbeat: () => Promise<void>;
  producer: unknown;
}

export interface BatchDispatcherDeps {
  logger: Logger;
  events: EventDispatcher;
  timeouts: HandlerTimeouts;
  closing: () => ShutdownSignal;
  hooks: () => ProcessingHooks | undefined;
}

/**
 * Runs a batch handler once for the records of one partition (payloads in offset order and a
 * KafkaBatchContext), within its handlerTimeout. What it does not name as failed is committed. Each
 * failed record (all of them, for an error that names none) is tried again alone, as a batch of one,
 * under the event retry policy, then dead-lettered: one bad record costs the batch nothing more.
 */
export class BatchDispatcher {
  constructor(private readonly deps: BatchDispatcherDeps) {}

  dispatch(handler: MessageHandler, records: BatchRecord[], shared: BatchShared): Promise<RecordOutcome[]> {
    const context = this.contextOf(records, shared);
    const hooks = this.deps.hooks();
    if (!hooks) return this.run(handler, records, context, shared);
    return runWithProcessingHooks(hooks, context, (end) => this.run(handler, records, context, shared).finally(end));
  }

  private async run(handler: MessageHandler, records: BatchRecord[], context: KafkaBatchContext, shared: BatchShared): Promise<RecordOutcome[]> {
    const { pattern } = records[0].request;
    let failed: number[] = [];
    let failure: unknown;
    try {
      const timeoutMs = this.deps.timeouts.of(handler, pattern);
      const bound = timeoutMs === undefined ? undefined : { ms: timeoutMs, timedOut: () => new HandlerTimeoutError(pattern, timeoutMs) };
      await this.deps.closing().race(this.call(handler, records, context), bound);
    } catch (error) {
      // Closing: nothing of the batch is committed; the engine lets go of it.
      if (hasErrorCode(error, 'KAFKA_SERVER_CLOSING')) throw error;
      failure = error;
      failed = this.failedPositions(error, records);
    }
    const outcomes: RecordOutcome[] = records.map(() => 'commit');
    for (const position of failed) {
      const record = records[position];
      const { topic, partition } = record.raw;
      try {
        await this.deps.events.dispatch(
          { request: { ...record.request, data: [record.request.data] }, handler, context: this.contextOf([record], shared) as unknown as KafkaContext, raw: record.raw, topic, partition, heartbeat: shared.heartbeat },
          { error: failure },
        );
      } catch {
        // Its dead letter could not be produced, or the server closes: it comes again, and so does what follows it.
        for (let later = position; later < records.length; later += 1) outcomes[later] = 'redeliver';
        return outcomes;
      }
    }
    return outcomes;
  }

  private async call(handler: MessageHandler, records: BatchRecord[], context: KafkaBatchContext): Promise<void> {
    const result = await handler(
      records.map(({ request }) => request.data),
      context,
    );
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /** The positions a KafkaBatchError names; every position for any other error. */
  private failedPositions(error: unknown, records: BatchRecord[]): number[] {
    const named = batchFailureOf(error);
    if (!named) return records.map((_, position) => position);
    const positions = new Set(named.failedIndexes.filter((position) => Number.isInteger(position) && position >= 0 && position < records.length));
    for (const offset of named.failedOffsets) {
      const position = records.findIndex(({ raw }) => raw.offset === offset);
      if (position >= 0) positions.add(position);
    }
    return [...positions].sort((a, b) => a - b);
  }

  private contextOf(records: BatchRecord[], { consumer, heartbeat, producer }: BatchShared): KafkaBatchContext {
    const { topic, partition } = records[0].raw;
    return new KafkaBatchContext(
      records.map(({ context }) => context),
      topic,
      partition,
      consumer,
      heartbeat,
      producer,
    );
  }
}
