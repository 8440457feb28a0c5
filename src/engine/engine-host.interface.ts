import type { ConsumedRecord } from '../codec/kafka-record.js';
import type { BatchShape, DeliveryControls, RecordOrdering, RecordOutcome } from '../driver/kafka-driver.interface.js';
import type { CommitGuard, HandledUpTo } from './offset-committer.js';

/** What the engine asks of the driver it runs on. */
export interface EngineHost {
  commit(offsets: HandledUpTo[]): Promise<void>;
  /** Stops fetching the partition. Records of it offered meanwhile are refused: they come again after resume(). */
  pause(topic: string, partition: number): void;
  /** Fetches the partition again, from `from` on (the first record not handed out) when given. */
  resume(topic: string, partition: number, from?: bigint): void;
  /** Asked before each commit: whether the member holds the partition, and whether a rebalance is under way. */
  guard?: CommitGuard;
}

export interface EngineSettings {
  /** Records run at once over all partitions (`run.partitionsConsumedConcurrently`); unbounded when not given. */
  concurrency?: number;
  /** Records handed out and not finished, per consumer, past which room() asks the driver to wait. */
  maxBacklog: number;
  /** Records handed out and not finished, per partition, past which fetching that partition pauses; none when undefined. */
  partitionBacklog?: number;
  /** Whether finished records are committed (`run.autoCommit` is not false). */
  commit: boolean;
  /** How records of a topic may overlap (its handler's `ordering` and `concurrency`); one at a time per partition when not given. */
  orderingOf?: (topic: string) => RecordOrdering;
  /** Whether records of a topic are run in batches (its handler's `batch`), by `runBatch`. */
  batchOf?: (topic: string) => BatchShape | undefined;
  runBatch?: RunBatch;
}

export type RunRecord = (record: ConsumedRecord, controls: DeliveryControls) => Promise<RecordOutcome | void>;
export type RunBatch = (records: ConsumedRecord[], controls: DeliveryControls) => Promise<RecordOutcome[]>;
