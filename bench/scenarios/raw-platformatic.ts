import { uniqueGroupId } from 'nestjs-kafka-transport/testing';
import { kilobytePayload } from '../payload.js';
import { until } from './bench-kafka.js';
import { startClock, type EventFigures } from './event-clock.js';

const RAW_BATCH = 500;

/**
 * The raw @platformatic/kafka baseline: a producer sending batches of 500 with acks from all
 * replicas (as ours does), and a consumer stream that decodes every payload. Partitions are given
 * round-robin: platformatic's own default would put every keyless message on partition 0.
 */
export async function rawPlatformaticEventThroughput(brokers: string[], topic: string, messages: number, partitions: number, count: () => void, received: () => number): Promise<EventFigures> {
  // Loaded here: the package runs on Node >= 22.22 / 24.6 only.
  const { Consumer, Producer } = await import('@platformatic/kafka');
  const consumer = new Consumer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, groupId: uniqueGroupId('bench-platformatic') });
  const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, acks: -1 });
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest' });
  stream.on('data', (message: { value: Buffer }) => {
    if ((JSON.parse(message.value.toString()) as { n?: number }).n !== undefined) count();
  });
  try {
    const clock = startClock();
    for (let first = 0; first < messages; first += RAW_BATCH) {
      const batch = Array.from({ length: Math.min(RAW_BATCH, messages - first) }, (_, i) => ({ topic, partition: (first + i) % partitions, value: Buffer.from(JSON.stringify(kilobytePayload(first + i))) }));
      await producer.send({ messages: batch });
    }
    await until(() => received() >= messages, `${messages} events (platformatic)`);
    return clock.stop(messages);
  } finally {
    await stream.close();
    await consumer.close(true);
    await producer.close();
  }
}
