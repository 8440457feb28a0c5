import { Kafka, logLevel } from 'kafkajs';

/** What one look at a cluster showed; a failed look throws. */
export interface ClusterLook {
  brokers: number;
  hasController: boolean;
}

/**
 * A quiet, single-try client for asking whether a cluster is up: no retries and no logs, since the
 * caller polls and a broker still starting is not an error.
 */
export function clusterProbe(brokers: string[]): { look(options?: { warmGroupCoordinator?: boolean }): Promise<ClusterLook> } {
  const kafka = new Kafka({
    brokers,
    clientId: 'nestjs-kafka-transport-readiness',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  return {
    async look(options = {}) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        // Looking up a group coordinator creates __consumer_offsets: done here, the first consumer
        // group of a test joins at once instead of retrying "coordinator not available".
        if (options.warmGroupCoordinator) await admin.describeGroups(['nestjs-kafka-transport-warm-up']);
        return { brokers: cluster.brokers.length, hasController: cluster.controller !== null };
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
