export { KafkaRetriableException } from '@nestjs/microservices';
