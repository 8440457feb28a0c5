/** What one look at a cluster showed; a failed look throws. */
export interface ClusterLook {
  brokers: number;
  hasController: boolean;
}

/**
 * A quiet, single-try question to a cluster: is it up? No retries and no logs, since the caller
 * polls and a broker still starting is not an error. Each driver has one, for the test kit.
 */
export interface ClusterProbe {
  look(options?: { warmGroupCoordinator?: boolean }): Promise<ClusterLook>;
}
