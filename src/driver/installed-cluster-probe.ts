import type { ClusterProbe } from './cluster-probe.interface.js';
import { nodeRunsPlatformatic } from './driver-choice.js';
import { isPackageMissing } from './package-missing.js';
import { DriverMissingError } from '../errors/driver-missing.error.js';

type ProbeFactory = (brokers: string[]) => ClusterProbe;

let chosen: Promise<ProbeFactory> | undefined;

/**
 * The test kit asks the broker whether it is up through whichever driver library the project installed
 * (kafkajs first, the default driver's): a project on one driver needs no other, as the transport
 * itself does not.
 */
export function installedClusterProbe(brokers: string[]): Promise<ClusterProbe> {
  return loadProbe().then((factory) => factory(brokers));
}

/** Fails with DriverMissingError, naming what to install, when the kit has no library to probe with. */
export async function assertProbeInstalled(): Promise<void> {
  await loadProbe();
}

function loadProbe(): Promise<ProbeFactory> {
  chosen ??= chooseProbe();
  return chosen;
}

async function chooseProbe(): Promise<ProbeFactory> {
  let kafkajsMissing: unknown;
  try {
    return (await import('./kafkajs/cluster-probe.js')).clusterProbe;
  } catch (error) {
    if (!isPackageMissing(error, 'kafkajs')) throw error;
    kafkajsMissing = error;
  }
  if (nodeRunsPlatformatic()) {
    try {
      return (await import('./platformatic/cluster-probe.js')).clusterProbe;
    } catch (error) {
      if (!isPackageMissing(error, '@platformatic/kafka')) throw error;
    }
  }
  chosen = undefined;
  throw new DriverMissingError(
    'kafkajs',
    kafkajsMissing,
    `the test kit talks to the broker through a driver library, and none is installed here: install the one your transport uses (npm install --save-dev kafkajs, or @platformatic/kafka on Node.js >= 22.22 / >= 24.6; this is ${process.version})`,
  );
}
