/**
 * Header names on the wire. The first three are Spring Kafka's, the last two Nest's own; they must be
 * byte-identical to `@nestjs/microservices`' KafkaHeaders so mixed fleets understand each other.
 */
export enum KafkaHeaders {
  CORRELATION_ID = 'kafka_correlationId',
  REPLY_TOPIC = 'kafka_replyTopic',
  REPLY_PARTITION = 'kafka_replyPartition',
  NEST_ERR = 'kafka_nest-err',
  NEST_IS_DISPOSED = 'kafka_nest-is-disposed',
}
