import { RpcException } from '@nestjs/microservices';
import type { KafkaContext } from '../context/kafka.context.js';

/** The error object a KafkaBatchError carries through Nest's exception layer. */
export interface KafkaBatchFailure {
  status: 'error';
  message: string;
  /** Offsets (decimal text) of the records that failed. */
  failedOffsets: string[];
  /** Positions in the batch of the records that failed. */
  failedIndexes: number[];
}

/**
 * Thrown by a batch handler to say which of its records failed: the others are committed, and each
 * failed one is tried again alone under the event retry policy, then dead-lettered. Name them by
 * their contexts (`batchContext.getContexts()`) or their positions in the batch. Any other error
 * fails the whole batch. An RpcException, so that Nest's exception layer hands it on as it is.
 */
export class KafkaBatchError extends RpcException {
  constructor(failed: (KafkaContext | number)[], message = `${failed.length} record(s) of the batch failed`) {
    const failure: KafkaBatchFailure = {
      status: 'error',
      message,
      failedOffsets: failed.filter((one): one is KafkaContext => typeof one !== 'number').map((context) => String(context.getMessage().offset)),
      failedIndexes: failed.filter((one): one is number => typeof one === 'number'),
    };
    super(failure);
  }
}

/** The failure a batch handler named, whether it arrives as the KafkaBatchError or as the object Nest's exception layer made of it. */
export function batchFailureOf(error: unknown): KafkaBatchFailure | undefined {
  const failure = error instanceof RpcException ? error.getError() : error;
  const candidate = failure as Partial<KafkaBatchFailure> | null | undefined;
  return Array.isArray(candidate?.failedOffsets) && Array.isArray(candidate?.failedIndexes) ? (candidate as KafkaBatchFailure) : undefined;
}
