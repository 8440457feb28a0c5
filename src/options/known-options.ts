// Every key `Transport.KAFKA` takes, section by section: Nest's `KafkaOptions['options']` and the
// kafkajs 2.2.4 options it passes through (kafkajs/types/index.d.ts), plus this transport's own.
// A key outside these lists is a typo or an option of another library, never silently ignored.

const RETRY = ['retries', 'initialRetryTime', 'maxRetryTime', 'factor', 'multiplier', 'restartOnFailure'] as const;

/** The top-level keys. */
export const TOP_LEVEL_OPTIONS = [
  // Nest's
  'postfixId', 'client', 'consumer', 'run', 'subscribe', 'producer', 'send', 'serializer', 'deserializer', 'parser', 'producerOnlyMode',
  // Nest's, proposed (nestjs/nest#16555)
  'topicConsumers',
  // this transport's
  'eventRetry', 'handlerTimeout', 'driver', 'groupProtocol', 'replyConvention', 'requestTimeout', 'emitBatchMaxMessages', 'createTopics', 'concurrency', 'ordering', 'shutdownTimeout',
] as const;

/** The keys of each object-valued option, by its path. */
export const SECTION_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  client: ['brokers', 'ssl', 'sasl', 'clientId', 'connectionTimeout', 'authenticationTimeout', 'reauthenticationThreshold', 'requestTimeout', 'enforceRequestTimeout', 'retry', 'socketFactory', 'logLevel', 'logCreator'],
  'client.retry': RETRY,
  // Every mechanism's keys in one list (plain, scram-sha-*, aws, oauthbearer, a custom authenticationProvider).
  'client.sasl': ['mechanism', 'username', 'password', 'authorizationIdentity', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'oauthBearerProvider', 'authenticationProvider'],
  consumer: ['groupId', 'partitionAssigners', 'metadataMaxAge', 'sessionTimeout', 'rebalanceTimeout', 'heartbeatInterval', 'maxBytesPerPartition', 'minBytes', 'maxBytes', 'maxWaitTimeInMs', 'retry', 'allowAutoTopicCreation', 'maxInFlightRequests', 'readUncommitted', 'rackId'],
  'consumer.retry': RETRY,
  // eachMessage and eachBatch are known, and refused with their own explanation.
  run: ['autoCommit', 'autoCommitInterval', 'autoCommitThreshold', 'eachBatchAutoResolve', 'partitionsConsumedConcurrently', 'eachBatch', 'eachMessage'],
  subscribe: ['fromBeginning'],
  producer: ['createPartitioner', 'retry', 'metadataMaxAge', 'allowAutoTopicCreation', 'idempotent', 'transactionalId', 'transactionTimeout', 'maxInFlightRequests'],
  'producer.retry': RETRY,
  send: ['acks', 'timeout', 'compression'],
  parser: ['keepBinary'],
  eventRetry: ['attempts', 'backoffMs', 'maxBackoffMs', 'deadLetter'],
  'eventRetry.deadLetter': ['suffix'],
};
