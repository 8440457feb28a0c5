import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';
import { waitForBrokers } from './broker-readiness.js';
import type { KafkaTestCluster } from './kafka-test-cluster.interface.js';

export function parseBrokerList(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** A cluster someone else runs: the test kit only checks that it answers, and never stops it. */
export async function useExternalKafka(value: string, timeoutMs: number): Promise<KafkaTestCluster> {
  const brokers = parseBrokerList(value);
  if (brokers.length === 0) {
    throw new BrokerUnavailableError(`KAFKA_BROKERS is set but names no broker ("${value}"); use host:port[,host:port]`);
  }
  try {
    await waitForBrokers(brokers, { expectedBrokers: 1, timeoutMs });
  } catch (error) {
    throw new BrokerUnavailableError(
      `KAFKA_BROKERS=${value} does not answer: ${(error as Error).message}. Start that cluster, or unset KAFKA_BROKERS to let the test kit start one`,
      { cause: error },
    );
  }
  const notOurs = () =>
    Promise.reject(
      new BrokerUnavailableError('restart() is not available for a KAFKA_BROKERS cluster: the test kit did not start it'),
    );
  return { brokers, source: 'KAFKA_BROKERS', nodes: [], stop: async () => undefined, restart: notOurs };
}
