import { Admin } from '@platformatic/kafka';
import type { ClusterProbe } from '../cluster-probe.interface.js';

/**
 * The kafkajs probe's twin for a machine that has only @platformatic/kafka: a single-try admin
 * client, made for each look so that a broker restarted between looks is met on a fresh connection.
 */
export function clusterProbe(brokers: string[]): ClusterProbe {
  return {
    async look(options = {}) {
      const admin = new Admin({ clientId: 'nestjs-kafka-transport-readiness', bootstrapBrokers: brokers, retries: 0, connectTimeout: 1000, timeout: 5000 });
      try {
        const cluster = await admin.metadata({ topics: [], forceUpdate: true });
        // As in the kafkajs probe: asking for a group's coordinator creates __consumer_offsets.
        if (options.warmGroupCoordinator) await admin.describeGroups({ groups: ['nestjs-kafka-transport-warm-up'] });
        return { brokers: cluster.brokers.size, hasController: cluster.controllerId >= 0 };
      } finally {
        await admin.close().catch(() => undefined);
      }
    },
  };
}
