import type { ConsumedRecord, RecordHeaders } from './kafka-record.js';

/** Spring Kafka's dead-letter header names, so existing DLT tooling reads our dead letters too. */
export enum DeadLetterHeaders {
  ORIGINAL_TOPIC = 'kafka_dlt-original-topic',
  ORIGINAL_PARTITION = 'kafka_dlt-original-partition',
  ORIGINAL_OFFSET = 'kafka_dlt-original-offset',
  ORIGINAL_TIMESTAMP = 'kafka_dlt-original-timestamp',
  ORIGINAL_KEY = 'kafka_dlt-original-key',
  ORIGINAL_CONSUMER_GROUP = 'kafka_dlt-original-consumer-group',
  EXCEPTION_MESSAGE = 'kafka_dlt-exception-message',
  EXCEPTION_FQCN = 'kafka_dlt-exception-fqcn',
  ATTEMPTS = 'kafka_dlt-attempts',
}

export interface DeadLetterFacts {
  topic: string;
  partition: number;
  groupId: string;
  error: unknown;
  attempts: number;
}

/**
 * Text of whatever a handler threw. Nest's exception layer hands errors over as `{ status, message }`
 * objects (an RpcException's own message, or "Internal server error" for any other error): the
 * message is what counts.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** The dead letter: the original key, value and headers, untouched, plus where it came from and why. */
export function deadLetterMessage(original: ConsumedRecord, facts: DeadLetterFacts): { key: Buffer | null; value: Buffer | null; headers: RecordHeaders; timestamp: string } {
  const headers: RecordHeaders = {
    ...original.headers,
    [DeadLetterHeaders.ORIGINAL_TOPIC]: facts.topic,
    [DeadLetterHeaders.ORIGINAL_PARTITION]: String(facts.partition),
    [DeadLetterHeaders.ORIGINAL_OFFSET]: original.offset,
    [DeadLetterHeaders.ORIGINAL_TIMESTAMP]: original.timestamp,
    [DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP]: facts.groupId,
    [DeadLetterHeaders.EXCEPTION_MESSAGE]: describeError(facts.error),
    [DeadLetterHeaders.ATTEMPTS]: String(facts.attempts),
  };
  // Spring puts the exception's class there; a JavaScript error's class is its name.
  if (facts.error instanceof Error) headers[DeadLetterHeaders.EXCEPTION_FQCN] = facts.error.name;
  if (original.key !== null && original.key !== undefined) headers[DeadLetterHeaders.ORIGINAL_KEY] = original.key;
  return { key: original.key ?? null, value: original.value ?? null, headers, timestamp: original.timestamp };
}
