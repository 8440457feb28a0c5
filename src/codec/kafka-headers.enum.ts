/**
 * Header names on the wire. The first three are Spring Kafka's, the next two Nest's own; they must be
 * byte-identical to `@nestjs/microservices`' KafkaHeaders so mixed fleets understand each other. The
 * last two are Spring Kafka's names for a failure, which a Spring listener's error handler can reply with.
 */
export enum KafkaHeaders {
  CORRELATION_ID = 'kafka_correlationId',
  REPLY_TOPIC = 'kafka_replyTopic',
  REPLY_PARTITION = 'kafka_replyPartition',
  NEST_ERR = 'kafka_nest-err',
  NEST_IS_DISPOSED = 'kafka_nest-is-disposed',
  SPRING_EXCEPTION_MESSAGE = 'kafka_exception-message',
  SPRING_EXCEPTION_FQCN = 'kafka_exception-fqcn',
}
