import type { ConsumedRecord, RecordMetadata } from '../codec/kafka-record.js';
import type { OutgoingKafkaMessage } from '../codec/outgoing-message.js';
import type { KafkaStatus } from '../kafka-status.enum.js';

/**
 * The one seam between the transport and a Kafka client library. Server, client, reply routing,
 * codec and context speak only these types; each driver (src/driver/<name>/) maps them onto its
 * library, so a driver's quirks stay inside it and every driver runs the same transport.
 */
/** The Kafka client libraries the transport can run on (option `driver`). */
export type DriverName = 'kafkajs' | 'platformatic';

export interface KafkaDriver {
  /** The library's own client object: what `unwrap()` hands to users. */
  readonly native: unknown;
  producer(status?: StatusSink): DriverProducer;
  consumer(spec: ConsumerSpec): DriverConsumer;
  /** Creates the named topics that do not exist yet; warns and goes on when it may not. */
  ensureTopics(topics: string[]): Promise<void>;
  /** How many partitions `topic` has now. */
  partitionCount(topic: string): Promise<number>;
  /**
   * The typed error (AuthenticationFailedError, TlsFailedError, AuthorizationFailedError) a failure
   * the user can fix by configuration stands for, naming the option or resource; else the error itself.
   */
  explain(error: unknown, context: FailureContext): unknown;
  /** Releases what the driver itself holds (not its producers and consumers, which close on their own). */
  close(): Promise<void>;
}

/** Receives status changes, with Nest's status strings. */
export type StatusSink = { next(status: KafkaStatus): void };

/** What was being done when the driver failed: names for the typed error's message. */
export interface FailureContext {
  topics?: (string | RegExp)[];
  groupId?: string;
  /** The failure ended a start-up (listen(), connect()): nothing had worked yet. */
  startUp?: boolean;
}

/** The broker's acknowledgements, and the records that could not be stored with the reason for each. */
export interface SendOutcome {
  metadata: RecordMetadata[];
  refused: Map<OutgoingKafkaMessage, Error>;
}

export interface DriverProducer {
  readonly native: unknown;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Sends to one topic and resolves only once the broker stored each record (or acks 0 was chosen),
   * naming, record by record, those it could not store: records of several callers may share a
   * send, and each caller fails only for its own. A driver that cannot know a record was stored
   * sends it again: at least once, never acknowledged and lost.
   */
  send(topic: string, records: OutgoingKafkaMessage[]): Promise<SendOutcome>;
}

/**
 * What becomes of a consumed record: `commit` lets its offset be committed; `redeliver` keeps it
 * and every later record of its partition uncommitted, and the group delivers them again. A
 * callback that rejects counts as `redeliver`.
 */
export type RecordOutcome = 'commit' | 'redeliver';

/** What a record's callback may do while it runs. */
export interface DeliveryControls {
  /** Tells the group coordinator the member is alive while a record takes long. */
  heartbeat(): Promise<void>;
}

/**
 * How final an assignment is. `settled` is false while a member the group dropped joins again: it
 * holds nothing for a moment, but what it lacks may still come, so it is not yet missing. A settled
 * call follows once the member has its new assignment (or has waited for it long enough).
 */
export interface AssignmentChange {
  settled: boolean;
}

/**
 * How the records of a topic may overlap. Under `partition` a partition's records run one at a
 * time, in offset order; under `key` up to `concurrency` records of one partition run at once, never
 * two of one key, each key's records in offset order.
 */
export interface RecordOrdering {
  ordering: 'partition' | 'key';
  /** Records of one partition running at once (1 under `partition`). */
  concurrency: number;
}

/** Records of a topic handed to its handler together: up to `maxRecords` of one partition, gathered for at most `maxWaitMs`. */
export interface BatchShape {
  maxRecords: number;
  maxWaitMs: number;
}

export interface ConsumerSpec {
  groupId: string;
  /** Topic names and RegExps to subscribe to. */
  topics: (string | RegExp)[];
  /** Named topics to create before subscribing when they are missing (`createTopics`). */
  topicsToCreate: string[];
  /** May missing topics be created? When not, a missing subscribed topic fails start-up (TopicMissingError). */
  createTopics: boolean;
  /**
   * Reply consumers of clients: take part in Nest's reply-partition protocol, so that no two client
   * instances share a reply partition, also with Nest's own clients in the group.
   */
  replyPartitions?: { joinedAt: number; current(): Record<string, number> };
  onRecord(record: ConsumedRecord, controls: DeliveryControls): Promise<RecordOutcome | void>;
  /** How records of `topic` may overlap; one at a time per partition when not given. */
  orderingOf?(topic: string): RecordOrdering;
  /** Whether records of `topic` go to `onBatch`, and in what batches. */
  batchOf?(topic: string): BatchShape | undefined;
  /** The records of one partition, in offset order, with an outcome each (a rejection: all `redeliver`). */
  onBatch?(records: ConsumedRecord[], controls: DeliveryControls): Promise<RecordOutcome[]>;
  /** Each group join (or, under KIP-848, each changed assignment): the partitions this member now holds, per topic. */
  onAssignment?(assignment: Record<string, number[]>, change: AssignmentChange): void;
  status?: StatusSink;
}

/** How a stopping consumer lets its records in flight finish. */
export interface StopDrain {
  withinMs: number;
  /** Makes what still runs give up (the server's close), so that the stop ends. */
  giveUp(): void;
}

export interface DriverConsumer {
  readonly native: unknown;
  /**
   * What a handler's `context.getConsumer()` returns: the kafkajs Consumer on kafkajs; elsewhere an
   * object with kafkajs's `commitOffsets`, so handlers that commit by hand work on every driver.
   */
  readonly forHandlers: unknown;
  /**
   * Connects, subscribes and starts consuming; with topics, resolves once the group gave this
   * member its partitions (or after a bounded wait, the group still trying in the background).
   * Rejects when the consumer cannot start at all.
   */
  start(): Promise<void>;
  /**
   * Stops fetching and leaves the group. Records running may finish within `drain.withinMs` (what
   * finishes is committed); then `drain.giveUp()` is called, and what still runs stays uncommitted.
   * Without `drain`, what runs is given up on at once.
   */
  stop(drain?: StopDrain): Promise<void>;
  /** How many members of the group read `topic` now: each client instance is one. */
  groupSize(topic: string): Promise<number>;
  /** Commits offsets of this member's group: the offset of the next record to read, per partition. */
  commitOffsets(offsets: { topic: string; partition: number; offset: string; metadata?: string | null }[]): Promise<void>;
}
