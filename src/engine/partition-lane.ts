import type { ConsumedRecord } from '../codec/kafka-record.js';
import type { BatchShape, DeliveryControls, RecordOrdering } from '../driver/kafka-driver.interface.js';
import type { LaneGroup } from './ordered-lanes.js';
import { PartitionOffsets, type OffsetTicket } from './partition-offsets.js';

/** A record handed out, with what its run needs. */
export interface HandedOut {
  ticket: OffsetTicket;
  record: ConsumedRecord;
  controls: DeliveryControls;
  leaderEpoch: number;
}

/** Records of a batch topic's partition gathered for its next batch. */
export interface Gathering {
  shape: BatchShape;
  pending: HandedOut[];
  timer?: NodeJS.Timeout;
}

// Why a partition's records are refused for now; fetching resumes once no reason is left.
export type HoldReason = 'handler' | 'full' | 'redelivery';

export interface PartitionLane {
  topic: string;
  partition: number;
  lane: string;
  // Under key ordering: the partition's key lanes, bounded together by its concurrency.
  keyLanes?: LaneGroup;
  // For a batch topic: what is gathered for the next batch.
  batch?: Gathering;
  offsets: PartitionOffsets;
  // Handed out and not yet settled.
  backlog: number;
  // Handed out and not started, in offset order (the order of handing out): what a pause puts back.
  unstarted: Set<OffsetTicket>;
  holds: Set<HoldReason>;
  // The record last sent back, and how long its partition waited: doubled while the same one comes back.
  redelivered?: { offset: bigint; waitMs: number };
  redeliveryTimer?: NodeJS.Timeout;
  // The member no longer holds the partition: what still runs of it finishes into nothing.
  dropped: boolean;
}

/** A partition's state as the member starts to read it: its lane, with key lanes under key ordering and gathering for a batch topic. */
export function newPartitionLane(topic: string, partition: number, ordering: RecordOrdering | undefined, shape: BatchShape | undefined): PartitionLane {
  const keyLanes = ordering?.ordering === 'key' && ordering.concurrency > 1 ? { limit: ordering.concurrency, running: 0 } : undefined;
  const batch = shape ? { shape, pending: [] } : undefined;
  return { topic, partition, lane: laneKey(topic, partition), keyLanes, batch, offsets: new PartitionOffsets(), backlog: 0, unstarted: new Set(), holds: new Set(), dropped: false };
}

export const laneKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
// Latin-1 maps each byte to one character, so distinct keys make distinct lanes; null keys share one.
export const keyLane = (partitionLane: string, key: Buffer | null): string => (key === null ? `${partitionLane}\u0000n` : `${partitionLane}\u0000k${key.toString('latin1')}`);
