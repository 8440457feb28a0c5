import { startKafka } from 'nestjs-kafka-transport/testing';

// Every jest project that talks to Kafka names this file; they all share the one broker.
const shared = globalThis;

/** Starts one broker for the whole run and hands its address to the test workers through KAFKA_BROKERS. */
export default async function globalSetup() {
  if (!shared.sharedKafka) {
    const started = Date.now();
    shared.sharedKafka = startKafka({ log: (line) => process.stderr.write(`\n[kafka] ${line}\n`) });
    const cluster = await shared.sharedKafka;
    process.stderr.write(`[kafka] ${cluster.source} broker ${cluster.brokers.join(',')} ready in ${Date.now() - started} ms\n`);
    // Workers start after global setup and inherit this environment.
    process.env.KAFKA_BROKERS = cluster.brokers.join(',');
  }
  await shared.sharedKafka;
}
