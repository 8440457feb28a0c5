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
  /** How to reach a cluster started with `security`: its protocol, certificates and set-up listener. */
  readonly security?: KafkaTestSecurity;
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
  /** Folder for the resolved Kafka jars (default `KAFKA_CACHE_DIR`, else the user's cache folder: `~/.cache/nestjs-kafka-transport` on Linux). */
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
  /**
   * Secures the client listener: TLS (with certificates the kit makes with openssl), mutual TLS,
   * SASL (PLAIN, SCRAM-SHA-256/512) and ACLs. Only for brokers the kit starts from the Maven jars.
   */
  security?: KafkaTestSecurityOptions;
}

export type KafkaTestSaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface KafkaTestSecurityOptions {
  /** TLS on the client listener; `'mutual'` also requires a client certificate signed by the kit's CA. */
  tls?: boolean | 'mutual';
  /** SASL on the client listener (over TLS when `tls` is set): these users, with every mechanism listed. */
  sasl?: { mechanisms: KafkaTestSaslMechanism[]; users: { username: string; password: string }[] };
  /** Every request is authorized by ACL: a user may do nothing until the test grants it. */
  acls?: boolean;
}

/** How to reach a secured test cluster (`cluster.security`). */
export interface KafkaTestSecurity {
  /** Kafka's name of the client listener's protocol: SSL, SASL_SSL or SASL_PLAINTEXT. */
  readonly protocol: 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT';
  /** PEM of the authority that signed the broker's certificate (kafkajs `ssl.ca`). */
  readonly ca?: string;
  /** A client certificate and key the broker trusts, for mutual TLS (kafkajs `ssl.cert` / `ssl.key`). */
  readonly clientCert?: string;
  readonly clientKey?: string;
  /**
   * A plaintext listener on the same nodes whose callers are super users: for the test's own set-up
   * (topics, ACLs), never for the code under test.
   */
  readonly adminBrokers: string[];
}
