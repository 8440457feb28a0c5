import type { Consumer, Producer } from 'kafkajs';
import { KafkaStatus } from '../../kafka-status.enum.js';
import type { StatusSink } from '../kafka-driver.interface.js';

/** Derives `status` from a consumer's instrumentation events, as Nest's Kafka transport does. */
export function watchConsumerStatus(consumer: Consumer, status$: StatusSink): void {
  consumer.on(consumer.events.CONNECT, () => status$.next(KafkaStatus.CONNECTED));
  consumer.on(consumer.events.DISCONNECT, () => status$.next(KafkaStatus.DISCONNECTED));
  consumer.on(consumer.events.REBALANCING, () => status$.next(KafkaStatus.REBALANCING));
  consumer.on(consumer.events.STOP, () => status$.next(KafkaStatus.STOPPED));
  consumer.on(consumer.events.CRASH, () => status$.next(KafkaStatus.CRASHED));
}

export function watchProducerStatus(producer: Producer, status$: StatusSink): void {
  producer.on(producer.events.CONNECT, () => status$.next(KafkaStatus.CONNECTED));
  producer.on(producer.events.DISCONNECT, () => status$.next(KafkaStatus.DISCONNECTED));
}
