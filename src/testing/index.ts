export { startKafka, describeUnavailable } from './kafka-broker.js';
export type {
  KafkaSource,
  KafkaTestCluster,
  KafkaTestNode,
  StartKafkaOptions,
  KafkaTestSaslMechanism,
  KafkaTestSecurity,
  KafkaTestSecurityOptions,
} from './kafka-test-cluster.interface.js';
export { kafkaJars, type KafkaJarsOptions } from './kafka-jars.js';
export { uniqueTopic, uniqueGroupId } from './unique-names.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
export { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
export { createTopicsWithLeaders, type LeaderAwareAdmin, type TopicToCreate } from '../driver/create-topics-with-leaders.js';
