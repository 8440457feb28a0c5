import { InvalidOptionError } from '../../../src/errors/invalid-option.error.js';
import { nearestName } from '../../../src/options/nearest-name.js';
import { resolveOptions } from '../../../src/options/resolve-options.js';

function failure(input: unknown): InvalidOptionError {
  try {
    resolveOptions(input as never, 'server');
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe('option names', () => {
  it.each([
    [{ consumer: { groupid: 'billing' } }, 'consumer.groupid', 'Did you mean "consumer.groupId"?'],
    [{ consumer: { groupId: 'billing', sessionTimeOut: 30_000 } }, 'consumer.sessionTimeOut', 'Did you mean "consumer.sessionTimeout"?'],
    [{ client: { broker: ['localhost:9092'] } }, 'client.broker', 'Did you mean "client.brokers"?'],
    [{ client: { brokers: ['k:1'], retry: { retires: 3 } } }, 'client.retry.retires', 'Did you mean "client.retry.retries"?'],
    [{ run: { autocommit: false } }, 'run.autocommit', 'Did you mean "run.autoCommit"?'],
    [{ subscribe: { fromBegining: true } }, 'subscribe.fromBegining', 'Did you mean "subscribe.fromBeginning"?'],
    [{ producer: { idempotant: true } }, 'producer.idempotant', 'Did you mean "producer.idempotent"?'],
    [{ send: { ack: -1 } }, 'send.ack', 'Did you mean "send.acks"?'],
    [{ handlerTimout: 5000 }, 'handlerTimout', 'Did you mean "handlerTimeout"?'],
    [{ eventRetry: { attempt: 2 } }, 'eventRetry.attempt', 'Did you mean "eventRetry.attempts"?'],
    [{ eventRetry: { deadLetter: { sufix: '.dead' } } }, 'eventRetry.deadLetter.sufix', 'Did you mean "eventRetry.deadLetter.suffix"?'],
    [{ client: { sasl: { mechanism: 'plain', user: 'a', password: 'b' } } }, 'client.sasl.user', 'The options of client.sasl are: mechanism, username'],
  ])('refuses %j naming the key and the nearest valid name', (input, option, fix) => {
    const error = failure(input);
    expect(error.option).toBe(option);
    expect(error.message).toContain(fix);
    expect(error.code).toBe('KAFKA_INVALID_OPTION');
  });

  it('lists the valid names when none is close', () => {
    expect(failure({ consumer: { partitionStrategy: 'x' } }).message).toContain('The options of consumer are: groupId, partitionAssigners');
  });

  it('accepts every option kafkajs documents, so configurations of the built-in transport keep working', () => {
    const everything = {
      postfixId: '-x',
      client: { brokers: ['k:1'], clientId: 'c', ssl: { rejectUnauthorized: false }, sasl: { mechanism: 'aws', authorizationIdentity: 'i', accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }, connectionTimeout: 1, authenticationTimeout: 1, reauthenticationThreshold: 1, requestTimeout: 1, enforceRequestTimeout: true, retry: { retries: 1, initialRetryTime: 1, maxRetryTime: 1, factor: 0.2, multiplier: 2, restartOnFailure: async () => true }, socketFactory: () => undefined, logLevel: 1, logCreator: () => () => undefined },
      consumer: { groupId: 'g', partitionAssigners: [], metadataMaxAge: 1, sessionTimeout: 1, rebalanceTimeout: 1, heartbeatInterval: 1, maxBytesPerPartition: 1, minBytes: 1, maxBytes: 1, maxWaitTimeInMs: 1, retry: { retries: 1 }, allowAutoTopicCreation: true, maxInFlightRequests: 1, readUncommitted: false, rackId: 'r' },
      run: { autoCommit: true, autoCommitInterval: 1, autoCommitThreshold: 1, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1 },
      subscribe: { fromBeginning: true },
      producer: { createPartitioner: () => () => 0, retry: { retries: 1 }, metadataMaxAge: 1, allowAutoTopicCreation: true, idempotent: false, transactionalId: 't', transactionTimeout: 1, maxInFlightRequests: 1 },
      send: { acks: -1, timeout: 1, compression: 0 },
      parser: { keepBinary: true },
      producerOnlyMode: false,
      eventRetry: { attempts: 2, backoffMs: 1, maxBackoffMs: 1, deadLetter: { suffix: '.d' } },
      handlerTimeout: 1000,
      driver: 'kafkajs',
      groupProtocol: 'classic',
      replyConvention: 'nest',
      requestTimeout: 1,
      emitBatchMaxMessages: 1,
      createTopics: true,
      topicConsumers: false,
    };
    expect(() => resolveOptions(everything as never, 'server')).not.toThrow();
  });

  it('suggests a name only when it is close', () => {
    expect(nearestName('groupid', ['groupId', 'rackId'])).toBe('groupId');
    expect(nearestName('foo', ['acks', 'timeout', 'compression'])).toBeUndefined();
  });
});
