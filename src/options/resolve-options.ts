import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { ConsumerConfig, KafkaConfig } from '@nestjs/microservices/external/kafka.interface.js';
import { KAFKA_DEFAULT_BROKER, KAFKA_DEFAULT_EMIT_BATCH_MAX_MESSAGES, KAFKA_DEFAULT_CLIENT_ID, KAFKA_DEFAULT_GROUP_ID, KAFKA_DEFAULT_REQUEST_TIMEOUT_MS } from '../constants.js';
import { InvalidOptionError } from '../errors/invalid-option.error.js';
import { checkOptionNames } from './check-option-names.js';
import type { KafkaMicroserviceOptions, KafkaTransportOptions } from './kafka-options.interface.js';

/** Options after defaults and checks; a new frozen object, the caller's is never touched. */
export interface ResolvedKafkaOptions {
  readonly raw: Readonly<KafkaTransportOptions>;
  readonly brokers: KafkaConfig['brokers'];
  readonly clientId: string;
  readonly groupId: string;
  readonly client: Partial<KafkaConfig>;
  readonly consumer: Partial<ConsumerConfig>;
  readonly keepBinary: boolean;
  readonly serializer?: Serializer;
  readonly deserializer?: Deserializer;
  readonly producerOnlyMode: boolean;
  readonly requestTimeoutMs: number;
  readonly createTopics: boolean;
  readonly topicConsumers: boolean;
  readonly emitBatchMaxMessages: number;
  /** How long a closing server lets running handlers finish. */
  readonly shutdownTimeoutMs: number;
}

/** Default `shutdownTimeout`: Spring for Apache Kafka's container waits as long for its listeners. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const describe = (value: unknown) => (typeof value === 'string' ? `"${value}"` : Array.isArray(value) ? `array ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`);

/** Accepts `KafkaOptions['options']`, or the whole `{ transport: Transport.KAFKA, options }` object. */
export function unwrapOptions(input: KafkaTransportOptions | KafkaMicroserviceOptions | undefined): KafkaTransportOptions {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') {
    throw new InvalidOptionError('options', `expected an object, got ${describe(input)}`, 'Pass the same object you pass to Transport.KAFKA, e.g. { client: { brokers: ["localhost:9092"] } }');
  }
  if ('transport' in input || ('options' in input && !('client' in input))) {
    return (input as KafkaMicroserviceOptions).options ?? {};
  }
  return input as KafkaTransportOptions;
}

function checkBrokers(brokers: unknown): KafkaConfig['brokers'] {
  if (brokers === undefined) return [KAFKA_DEFAULT_BROKER];
  if (typeof brokers === 'function') return brokers as KafkaConfig['brokers'];
  const fix = 'Pass an array of "host:port" strings, e.g. { client: { brokers: ["localhost:9092"] } }';
  if (!Array.isArray(brokers)) throw new InvalidOptionError('client.brokers', `expected an array, got ${describe(brokers)}`, fix);
  if (brokers.length === 0) throw new InvalidOptionError('client.brokers', 'the list is empty', fix);
  const bad = brokers.find((broker) => typeof broker !== 'string' || !/^[^\s:]+:\d+$/.test(broker));
  if (bad !== undefined) throw new InvalidOptionError('client.brokers', `${describe(bad)} is not "host:port"`, fix);
  return brokers as string[];
}

function checkType(option: string, value: unknown, type: 'string' | 'boolean' | 'object', example: string): void {
  if (value !== undefined && (typeof value !== type || value === null)) {
    throw new InvalidOptionError(option, `expected a ${type}, got ${describe(value)}`, `For example: ${example}`);
  }
}

function checkMethod(option: string, value: unknown, method: string): void {
  if (value !== undefined && typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
    throw new InvalidOptionError(option, `expected an object with a ${method}() method, got ${describe(value)}`, `Pass an instance of a class that implements ${method}(), or leave ${option} out for the default`);
  }
}

/** Applies Nest's defaults and this transport's checks; `role` picks the postfix default. */
export function resolveOptions(input: KafkaTransportOptions | KafkaMicroserviceOptions | undefined, role: 'server' | 'client'): ResolvedKafkaOptions {
  const raw = unwrapOptions(input);
  for (const section of ['client', 'consumer', 'run', 'subscribe', 'producer', 'send', 'parser'] as const) {
    checkType(section, raw[section], 'object', `{ ${section}: { ... } }`);
  }
  checkOptionNames(raw as Record<string, unknown>);
  checkType('postfixId', raw.postfixId, 'string', `{ postfixId: '-${role}' }`);
  checkType('client.clientId', raw.client?.clientId, 'string', "{ client: { clientId: 'orders' } }");
  checkType('consumer.groupId', raw.consumer?.groupId, 'string', "{ consumer: { groupId: 'orders' } }");
  checkType('parser.keepBinary', raw.parser?.keepBinary, 'boolean', '{ parser: { keepBinary: true } }');
  checkType('producerOnlyMode', raw.producerOnlyMode, 'boolean', '{ producerOnlyMode: true }');
  checkType('createTopics', raw.createTopics, 'boolean', '{ createTopics: false }');
  checkType('topicConsumers', raw.topicConsumers, 'boolean', '{ topicConsumers: true }');
  checkMethod('serializer', raw.serializer, 'serialize');
  checkMethod('deserializer', raw.deserializer, 'deserialize');
  const run = raw.run as Record<string, unknown> | undefined;
  for (const handler of ['eachMessage', 'eachBatch']) {
    if (run?.[handler] !== undefined) {
      throw new InvalidOptionError(`run.${handler}`, 'the transport consumes messages itself and dispatches them to your handlers', `Remove run.${handler}; use @MessagePattern / @EventPattern handlers`);
    }
  }
  const concurrency = run?.partitionsConsumedConcurrently;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || (concurrency as number) < 1)) {
    throw new InvalidOptionError('run.partitionsConsumedConcurrently', `expected a whole number of at least 1, got ${describe(concurrency)}`, 'For example: { run: { partitionsConsumedConcurrently: 3 } }');
  }
  const timeout = raw.requestTimeout ?? KAFKA_DEFAULT_REQUEST_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new InvalidOptionError('requestTimeout', `expected a positive number of milliseconds, got ${describe(timeout)}`, 'For example: { requestTimeout: 10000 }');
  }

  const emitBatchMaxMessages = raw.emitBatchMaxMessages ?? KAFKA_DEFAULT_EMIT_BATCH_MAX_MESSAGES;
  if (!Number.isInteger(emitBatchMaxMessages) || emitBatchMaxMessages < 1) {
    throw new InvalidOptionError('emitBatchMaxMessages', `expected a whole number of at least 1, got ${describe(emitBatchMaxMessages)}`, 'For example: { emitBatchMaxMessages: 500 }, or 1 to send every emit alone');
  }

  const shutdownTimeoutMs = raw.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (typeof shutdownTimeoutMs !== 'number' || !Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs < 0) {
    throw new InvalidOptionError('shutdownTimeout', `expected a whole number of milliseconds, 0 or more, got ${describe(shutdownTimeoutMs)}`, 'For example: { shutdownTimeout: 10000 }, or 0 to give up on running handlers at once');
  }

  const postfixId = raw.postfixId ?? `-${role}`;
  return Object.freeze({
    raw: Object.freeze({ ...raw }),
    brokers: checkBrokers(raw.client?.brokers),
    clientId: (raw.client?.clientId || KAFKA_DEFAULT_CLIENT_ID) + postfixId,
    groupId: (raw.consumer?.groupId || KAFKA_DEFAULT_GROUP_ID) + postfixId,
    client: { ...raw.client },
    consumer: { ...raw.consumer },
    keepBinary: raw.parser?.keepBinary ?? false,
    serializer: raw.serializer,
    deserializer: raw.deserializer,
    producerOnlyMode: raw.producerOnlyMode ?? false,
    requestTimeoutMs: timeout,
    createTopics: raw.createTopics ?? true,
    topicConsumers: raw.topicConsumers ?? false,
    emitBatchMaxMessages,
    shutdownTimeoutMs,
  });
}
