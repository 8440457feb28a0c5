import { installedClusterProbe } from '../driver/installed-cluster-probe.js';
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
  const probe = await installedClusterProbe(brokers);
  await waitFor(
    async () => {
      const abort = options.abortIf?.();
      if (abort) throw new AbortReadiness(abort);
      // Warming only once the cluster is whole: a fresh broker's first group is slow.
      const look = await probe.look();
      if (look.brokers < options.expectedBrokers || !look.hasController) return false;
      if (options.warmGroupCoordinator) await probe.look({ warmGroupCoordinator: true });
      return true;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 250, what: `${options.expectedBrokers} broker(s) at ${brokers.join(',')}`, stopOn: AbortReadiness },
  );
}

class AbortReadiness extends Error {}
