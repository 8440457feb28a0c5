/** What one events run measured: throughput, and the CPU this process spent per 100k events. */
export interface EventFigures {
  perSecond: number;
  cpuSecondsPer100k: number;
}

/**
 * Starts the clocks of a timed section: wall time and this process's CPU (user and system, all
 * threads). Producer, consumer and handler all run in this process; the broker does not.
 */
export function startClock(): { stop(messages: number): EventFigures } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop(messages) {
      const { user, system } = process.cpuUsage(cpu);
      return { perSecond: messages / ((performance.now() - started) / 1000), cpuSecondsPer100k: ((user + system) / 1e6) * (100_000 / messages) };
    },
  };
}
