import { Kafka, logLevel } from 'kafkajs';
import type { ClusterProbe } from '../cluster-probe.interface.js';

/** The cluster probe on kafkajs: one client, a fresh admin connection for each look. */
export function clusterProbe(brokers: string[]): ClusterProbe {
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
