/** Control over one broker of a cluster the test kit started. */
export interface KafkaTestNode {
  readonly nodeId: number;
  /** `host:port` of this node's client listener. */
  readonly broker: string;
  readonly running: boolean;
  /** Stops this node's process; its data stays for `start()`. */
  stop(): Promise<void>;
  /** Ends this node's process with SIGKILL (a crash: no clean shutdown); its data stays for `start()`. */
  kill(): Promise<void>;
  /** Starts a stopped node again on the same ports and data. */
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** Where the brokers came from, in the order they are tried. */
export type KafkaSource = 'KAFKA_BROKERS' | 'testcontainers' | 'maven';

/** A running Kafka cluster for tests, as `startKafka()` returns it. */
export interface KafkaTestCluster {
  readonly brokers: string[];
  readonly source: KafkaSource;
  /** Kafka release, where the test kit started the brokers itself. */
  readonly version?: string;
  /** Per-node control; empty for a cluster the test kit did not start. */
  readonly nodes: readonly KafkaTestNode[];
  /** Ends every process the test kit started and removes its temporary files. */
  stop(): Promise<void>;
  /** Restarts every node, keeping data, and resolves when the cluster answers again. */
  restart(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Nodes in the cluster, each a combined broker and controller (default 1). */
  nodes?: number;
  /** Apache Kafka release for the Maven and Docker paths (default: the tested one). */
  version?: string;
  /** Folder for the resolved Kafka jars (default `KAFKA_CACHE_DIR` or `./.kafka-cache`). */
  cacheDir?: string;
  /** Maximum heap of each broker JVM in MiB (default 512). */
  heapMb?: number;
  /** Java executable (default `$JAVA_HOME/bin/java`, else `java` on the PATH). */
  javaCommand?: string;
  /** Whether to try Docker (default: when a Docker engine answers). */
  docker?: boolean;
  /** Environment read for `KAFKA_BROKERS` and `JAVA_HOME` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the brokers to answer (default 120 s). */
  startTimeoutMs?: number;
  /** Progress lines (provisioning, start-up); silent by default. */
  log?: (line: string) => void;
}
