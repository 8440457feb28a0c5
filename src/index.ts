export { KAFKA_DEFAULT_BROKER } from './constants.js';
export { KafkaTransportError } from './errors/kafka-transport.error.js';
