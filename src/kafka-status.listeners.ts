import type { Consumer, Producer } from 'kafkajs';

import { KafkaStatus } from './kafka-status.enum.js';

/** Derives `status` from the driver's instrumentation events, as Nest's Kafka transport does. */
export function watchStatus(consumer: Consumer | undefined, producer: Producer, status$: { next(status: KafkaStatus): void }): void {
  if (consumer) {
    consumer.on(consumer.events.CONNECT, () => status$.next(KafkaStatus.CONNECTED));
    consumer.on(consumer.events.DISCONNECT, () => status$.next(KafkaStatus.DISCONNECTED));
    consumer.on(consumer.events.REBALANCING, () => status$.next(KafkaStatus.REBALANCING));
    consumer.on(consumer.events.STOP, () => status$.next(KafkaStatus.STOPPED));
    consumer.on(consumer.events.CRASH, () => status$.next(KafkaStatus.CRASHED));
  }
  producer.on(producer.events.CONNECT, () => status$.next(KafkaStatus.CONNECTED));
  producer.on(producer.events.DISCONNECT, () => status$.next(KafkaStatus.DISCONNECTED));
}
