import { Kafka, logLevel } from 'kafkajs';
import { startKafka, uniqueGroupId, waitFor } from 'nestjs-kafka-transport/testing';

/**
 * Starts a broker the way the tests do (or uses KAFKA_BROKERS), publishes a few order events and
 * reads them back through a consumer group, then shuts everything down.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await startKafka({ log: (line) => console.log(`[kafka] ${line}`) });
  console.log(`[kafka] ${cluster.source} broker at ${cluster.brokers.join(',')} in ${Date.now() - started} ms`);
  const kafka = new Kafka({ clientId: 'orders-example', brokers: cluster.brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: uniqueGroupId('billing') });
  try {
    const topic = 'order.created';
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    const orders = [
      { id: 'o-1', item: 'keyboard', amount: 49 },
      { id: 'o-2', item: 'monitor', amount: 199 },
      { id: 'o-3', item: 'cable', amount: 9 },
    ];
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(String(message.key));
        console.log(`[billing] partition ${partition} received ${message.value}`);
      },
    });

    await producer.connect();
    await producer.send({ topic, acks: -1, messages: orders.map((order) => ({ key: order.id, value: JSON.stringify(order) })) });
    console.log(`[orders] published ${orders.length} order.created events`);

    await waitFor(() => seen.length >= orders.length, { timeoutMs: 30_000, what: 'billing to receive every order' });
    console.log(`[billing] handled ${seen.sort().join(', ')}`);
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    await cluster.stop();
    console.log('[example] stopped cleanly');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
