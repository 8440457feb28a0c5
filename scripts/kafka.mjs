// `npm run kafka`: builds the package, then starts a single-node KRaft broker the way the tests do
// (jars from Maven Central, or Docker) and keeps it running until Ctrl-C, for local development.
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const { startKafka } = await import('nestjs-kafka-transport/testing');
const cluster = await startKafka({ log: (line) => process.stderr.write(`[kafka] ${line}\n`) });
console.log(`Kafka is up at ${cluster.brokers.join(',')}; Ctrl-C stops it.`);
const stop = async () => {
  await cluster.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
