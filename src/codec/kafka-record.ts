/** A header as a record carries it: bytes or text, or several values under one name. */
export type RecordHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export type RecordHeaders = Record<string, RecordHeaderValue>;

/**
 * A consumed record as every driver hands it over: key, value and headers as the broker holds them,
 * offset and timestamp as decimal text (as Nest's handlers read them on the built-in transport).
 */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  size?: number;
  attributes?: number;
}

/** Where a produced record was stored: one entry per topic partition of a produce answer. */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset?: string;
  offset?: string;
  timestamp?: string;
  logAppendTime?: string;
  logStartOffset?: string;
}
