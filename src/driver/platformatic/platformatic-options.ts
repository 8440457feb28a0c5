import { InvalidOptionError } from '../../errors/invalid-option.error.js';
import type { ResolvedKafkaOptions } from '../../options/resolve-options.js';
import { KAFKAJS_CONSUMER_DEFAULTS, retryDelayMs, retryWithDefaults, type RetrySettings } from '../kafkajs-defaults.js';

// kafkajs's CompressionTypes enum, by value.
const COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

type Section = Record<string, unknown> | undefined;

/** The client options every platformatic client (producer, consumer, admin) is built from. */
export interface PlatformaticBase {
  clientId: string;
  bootstrapBrokers: string[];
  tls?: Record<string, unknown>;
  sasl?: { mechanism: string; username?: string; password?: string; token?: () => Promise<string> };
  connectTimeout?: number;
  requestTimeout?: number;
  retries: number;
  retryDelay: (client: unknown, operationId: string, attempt: number, retries: number, error: unknown) => number;
  metadataMaxAge?: number;
  timeout?: number;
}

export interface PlatformaticSettings {
  base: PlatformaticBase;
  /** 'consumer': KIP-848, the broker assigns partitions; 'classic': the members' leader does. */
  groupProtocol: 'classic' | 'consumer';
  consumer: Record<string, unknown>;
  /** Whether the transport commits handled records (kafkajs `run.autoCommit`, default true). */
  autoCommit: boolean;
  /** How many records run at once over all partitions (kafkajs `run.partitionsConsumedConcurrently`); unbounded when not given. */
  partitionsConsumedConcurrently?: number;
  /** Where a group without committed offsets starts (kafkajs `subscribe.fromBeginning`). */
  fallbackMode: 'earliest' | 'latest';
  producer: { idempotent: boolean; autocreateTopics?: boolean; metadataMaxAge?: number };
  send: { acks: number; compression?: (typeof COMPRESSION)[number] };
}

const unsupported = (option: string, why = 'it has no equivalent on the platformatic driver') =>
  new InvalidOptionError(option, why, 'Remove it, or keep the kafkajs driver (the default) for this client');

/** Fails for every key of `section` that this driver does not map. */
function onlyKnown(name: string, section: Section, known: string[]): void {
  for (const key of Object.keys(section ?? {})) {
    if (!known.includes(key)) throw unsupported(`${name}.${key}`);
  }
}

/** kafkajs's retry backoff (initial time, factor, multiplier, cap), as platformatic's delay callback. */
function retrySettings(option: string, retry: Section): Pick<PlatformaticBase, 'retries' | 'retryDelay'> {
  onlyKnown(option, retry, ['retries', 'initialRetryTime', 'maxRetryTime', 'factor', 'multiplier']);
  const settings = retryWithDefaults(retry as Partial<RetrySettings> | undefined);
  return { retries: settings.retries, retryDelay: (_client, _operation, attempt) => retryDelayMs(settings, attempt) };
}

function saslSettings(sasl: Section): PlatformaticBase['sasl'] {
  if (!sasl) return undefined;
  const mechanism = String(sasl.mechanism ?? '').toUpperCase();
  if (['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    onlyKnown('client.sasl', sasl, ['mechanism', 'username', 'password']);
    return { mechanism, username: sasl.username as string, password: sasl.password as string };
  }
  if (mechanism === 'OAUTHBEARER') {
    onlyKnown('client.sasl', sasl, ['mechanism', 'oauthBearerProvider']);
    const provider = sasl.oauthBearerProvider as (() => Promise<{ value: string }>) | undefined;
    if (typeof provider !== 'function') throw new InvalidOptionError('client.sasl.oauthBearerProvider', 'expected a function returning { value: token }', 'Pass the same provider you pass to kafkajs');
    return { mechanism, token: async () => (await provider()).value };
  }
  throw unsupported('client.sasl.mechanism', `"${String(sasl.mechanism)}" is not supported by the platformatic driver (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER are)`);
}

// Under KIP-848 the broker sets these for every member of a group: there is no per-client value to map.
const BROKER_GROUP_TIMINGS = { sessionTimeout: 'group.consumer.session.timeout.ms', heartbeatInterval: 'group.consumer.heartbeat.interval.ms' } as const;

/** Session, rebalance and heartbeat times of the chosen group protocol, kafkajs's defaults where unset. */
function groupTimings(groupProtocol: 'classic' | 'consumer', consumer: Record<string, unknown>): Record<string, unknown> {
  const rebalanceTimeout = consumer.rebalanceTimeout ?? KAFKAJS_CONSUMER_DEFAULTS.rebalanceTimeout;
  if (groupProtocol === 'consumer') {
    for (const [option, brokerSetting] of Object.entries(BROKER_GROUP_TIMINGS)) {
      if (consumer[option] !== undefined) {
        throw new InvalidOptionError(`consumer.${option}`, "with groupProtocol: 'consumer' the broker sets it for the whole group", `Remove it, and set ${brokerSetting} on the brokers instead`);
      }
    }
    return { groupProtocol, rebalanceTimeout };
  }
  return {
    sessionTimeout: consumer.sessionTimeout ?? KAFKAJS_CONSUMER_DEFAULTS.sessionTimeout,
    rebalanceTimeout,
    heartbeatInterval: consumer.heartbeatInterval ?? KAFKAJS_CONSUMER_DEFAULTS.heartbeatInterval,
  };
}

/**
 * The kafkajs-shaped options of `Transport.KAFKA`, mapped onto @platformatic/kafka. An option that
 * has no equivalent fails here, at construction, naming the option: silently ignoring it would
 * change what the user configured.
 */
export function platformaticSettings(settings: ResolvedKafkaOptions): PlatformaticSettings {
  const { raw } = settings;
  const client = settings.client as Record<string, unknown>;
  onlyKnown('client', client, ['brokers', 'clientId', 'ssl', 'sasl', 'connectionTimeout', 'requestTimeout', 'enforceRequestTimeout', 'retry', 'logLevel']);
  if (client.enforceRequestTimeout === false) throw unsupported('client.enforceRequestTimeout', 'the platformatic driver always enforces its request timeout');
  if (!Array.isArray(settings.brokers)) throw unsupported('client.brokers', 'the platformatic driver needs the broker list itself, not a function returning it');
  const ssl = client.ssl as boolean | Record<string, unknown> | undefined;
  const base: PlatformaticBase = {
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    ...(ssl ? { tls: ssl === true ? {} : ssl } : {}),
    ...(client.sasl ? { sasl: saslSettings(client.sasl as Section) } : {}),
    ...(client.connectionTimeout !== undefined ? { connectTimeout: client.connectionTimeout as number } : {}),
    ...(client.requestTimeout !== undefined ? { requestTimeout: client.requestTimeout as number } : {}),
    ...retrySettings('client.retry', client.retry as Section),
  };

  const consumer = settings.consumer as Record<string, unknown>;
  onlyKnown('consumer', consumer, ['groupId', 'sessionTimeout', 'rebalanceTimeout', 'heartbeatInterval', 'metadataMaxAge', 'maxBytesPerPartition', 'minBytes', 'maxBytes', 'maxWaitTimeInMs', 'allowAutoTopicCreation', 'readUncommitted', 'rackId', 'retry']);
  const groupProtocol = raw.groupProtocol ?? 'classic';
  const consumerOptions: Record<string, unknown> = {
    ...groupTimings(groupProtocol, consumer),
    maxWaitTime: consumer.maxWaitTimeInMs ?? KAFKAJS_CONSUMER_DEFAULTS.maxWaitTimeInMs,
    // Both read committed records only unless told otherwise.
    isolationLevel: consumer.readUncommitted === true ? 0 : 1,
    ...(consumer.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: consumer.maxBytesPerPartition } : {}),
    ...(consumer.minBytes !== undefined ? { minBytes: consumer.minBytes } : {}),
    ...(consumer.maxBytes !== undefined ? { maxBytes: consumer.maxBytes } : {}),
    ...(consumer.metadataMaxAge !== undefined ? { metadataMaxAge: consumer.metadataMaxAge } : {}),
    ...(consumer.allowAutoTopicCreation !== undefined ? { autocreateTopics: consumer.allowAutoTopicCreation } : {}),
    ...(consumer.rackId !== undefined ? { clientRack: consumer.rackId } : {}),
    ...(consumer.retry !== undefined ? retrySettings('consumer.retry', consumer.retry as Section) : {}),
  };

  const run = raw.run as Section;
  // kafkajs commits after every batch, and also within one once autoCommitInterval ms passed or
  // autoCommitThreshold records were handled. This driver commits handled records as soon as the
  // commit before has returned, at least as often as either asks: both are accepted as they are.
  onlyKnown('run', run, ['autoCommit', 'autoCommitInterval', 'autoCommitThreshold', 'partitionsConsumedConcurrently']);
  const subscribe = raw.subscribe as Section;
  onlyKnown('subscribe', subscribe, ['fromBeginning']);

  const producer = raw.producer as Section;
  onlyKnown('producer', producer, ['idempotent', 'allowAutoTopicCreation', 'metadataMaxAge', 'retry']);
  if (producer?.retry !== undefined) Object.assign(base, retrySettings('producer.retry', producer.retry as Section));

  const send = raw.send as Section;
  onlyKnown('send', send, ['acks', 'timeout', 'compression']);
  // The broker's own wait for replicas: a client-wide setting on this driver.
  if (send?.timeout !== undefined) Object.assign(base, { timeout: send.timeout as number });
  const compression = send?.compression as number | undefined;
  if (compression !== undefined && COMPRESSION[compression] === undefined) {
    throw new InvalidOptionError('send.compression', `unknown compression type ${String(compression)}`, 'Use kafkajs CompressionTypes: None, GZIP, Snappy, LZ4 or ZSTD');
  }

  return {
    base,
    groupProtocol,
    consumer: consumerOptions,
    autoCommit: run?.autoCommit !== false,
    ...(run?.partitionsConsumedConcurrently !== undefined ? { partitionsConsumedConcurrently: run.partitionsConsumedConcurrently as number } : {}),
    fallbackMode: subscribe?.fromBeginning === true ? 'earliest' : 'latest',
    producer: {
      // Idempotent unless the user says otherwise or chose acks other than all (which idempotence
      // requires): retried sends are then stored once. kafkajs's idempotent producer could not be the
      // default (it failed 2,010 of 3,000 emits after a leader kill); this one stores them once.
      idempotent: (producer?.idempotent as boolean | undefined) ?? ((send?.acks as number | undefined) ?? -1) === -1,
      ...(producer?.allowAutoTopicCreation !== undefined ? { autocreateTopics: producer.allowAutoTopicCreation as boolean } : {}),
      ...(producer?.metadataMaxAge !== undefined ? { metadataMaxAge: producer.metadataMaxAge as number } : {}),
    },
    // acks -1 unless the user chose otherwise, as with kafkajs (platformatic's own default is 1).
    send: {
      acks: (send?.acks as number | undefined) ?? -1,
      ...(compression !== undefined ? { compression: COMPRESSION[compression] } : {}),
    },
  };
}
