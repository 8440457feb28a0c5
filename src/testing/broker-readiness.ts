import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for.js';

export interface ReadinessOptions {
  /** How many brokers the cluster must report before it counts as ready. */
  expectedBrokers: number;
  timeoutMs: number;
  /** Also wait until consumer groups can be coordinated (a fresh broker's first group is slow). */
  warmGroupCoordinator?: boolean;
  /** Fails the wait early, e.g. when the broker process has already exited. */
  abortIf?: () => string | undefined;
}

/** Resolves once a metadata request succeeds and names every expected broker. */
export async function waitForBrokers(brokers: string[], options: ReadinessOptions): Promise<void> {
  const kafka = new Kafka({
    brokers,
    clientId: 'nestjs-kafka-transport-readiness',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  await waitFor(
    async () => {
      const abort = options.abortIf?.();
      if (abort) throw new AbortReadiness(abort);
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length < options.expectedBrokers || cluster.controller === null) return false;
        // Looking up a group coordinator creates __consumer_offsets: done here, the first consumer
        // group of a test joins at once instead of retrying "coordinator not available".
        if (options.warmGroupCoordinator) await admin.describeGroups(['nestjs-kafka-transport-warm-up']);
        return true;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    { timeoutMs: options.timeoutMs, intervalMs: 250, what: `${options.expectedBrokers} broker(s) at ${brokers.join(',')}`, stopOn: AbortReadiness },
  );
}

class AbortReadiness extends Error {}
